/**
 * The bash script that builds one rescue boot's namespace. It runs as PID 1 of fresh mount, UTS and
 * PID namespaces (with full privileges, before any rescue command) and:
 * - makes a writable root: an overlay over the host's / whose writes land in a tmpfs sized like the
 *   rescue's RAM disk, so nothing a rescue command writes reaches the host's files; every top-level
 *   directory but the system ones (/usr, /etc, /var...) is an empty tmpfs, as in a fresh rescue;
 * - makes /sys a read-only view the simulator writes (sysfs.ts: the machine's disks and NICs, efi/
 *   only on UEFI machines) and a private /dev holding only the standard character devices (the
 *   simulator adds the disks);
 * - makes /proc a read-only tmpfs of links into a real procfs (kept at /usr/lib/rescue-sim/kproc, with
 *   the files that reach the host kernel masked and /proc/sys read-only after setting the hostname),
 *   plus the machine's own meminfo, partitions, mdstat and swaps files;
 * - writes the rescue identity (/etc/motd, /etc/hetzner-build, /etc/hostname) and installs the
 *   stand-in tools over the real ones, keeping the real binaries in /usr/lib/rescue-sim/real;
 * - removes every command not in the rescue's tool set (toolset.ts) and hides /usr/local;
 * - prints "ready" and idles as PID 1 with the capabilities every rescue command also lacks.
 * Arguments: boot dir (payload/, ctl/, ns/), RAM disk size, "uefi"|"bios", node binary, setpriv bounding set.
 */
export const SETUP_SCRIPT = String.raw`set -euo pipefail
boot=$1 size=$2 boot_mode=$3 node=$4 drop=$5
ns=$boot/ns
root=$ns/root
sim=$root/usr/lib/rescue-sim
mount -t tmpfs -o mode=755,size="$size" rescue-ram "$ns"
mkdir -p "$ns/upper" "$ns/work" "$root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$ns/upper,workdir=$ns/work" "$root"
# A fresh rescue has empty /tmp, /root, /run...: only the system directories come from the host.
mkdir -p "$root/tmp" "$root/root" "$root/run" "$root/mnt"
for dir in "$root"/*; do
  if [ -L "$dir" ] || [ ! -d "$dir" ]; then continue; fi
  case "$(basename "$dir")" in bin|boot|dev|etc|lib|lib32|lib64|libx32|proc|sbin|sys|usr|var) continue ;; esac
  mount -t tmpfs -o mode=755 "rescue-$(basename "$dir")" "$dir"
done
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
mkdir -p "$sim/real" "$root/run/rescue-sim" "$root/.oldroot"
cp -a "$boot/payload/." "$sim/"
touch "$sim/node"
mount --bind "$node" "$sim/node"
mount -o remount,bind,ro "$sim/node"
mount --bind "$boot/ctl" "$root/run/rescue-sim"
cd "$root"
pivot_root . .oldroot
cd /
mount -t proc -o nosuid,nodev,noexec proc /proc
umount -l /.oldroot
rmdir /.oldroot

# /sys is the simulator's (sysfs.ts writes the machine's disks and NICs into it), read-only; the
# kernel's own sysfs stays at /usr/lib/rescue-sim/ksys for the CPU, kernel and module views.
ksys=/usr/lib/rescue-sim/ksys
simsys=/usr/lib/rescue-sim/sys
mkdir -p "$ksys" "$simsys"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$ksys"
mount -t tmpfs -o mode=755,size=4m rescue-sys "$simsys"
mkdir -p "$simsys/firmware" "$simsys/block" "$simsys/class/block" "$simsys/class/net" "$simsys/dev/block" "$simsys/devices"
if [ "$boot_mode" = uefi ]; then mkdir -p "$simsys/firmware/efi/efivars" "$simsys/firmware/efi/vars"; fi
for d in kernel fs module power; do if [ -e "$ksys/$d" ]; then ln -s "$ksys/$d" "$simsys/$d"; fi; done
ln -s "$ksys/devices/system" "$simsys/devices/system"
mount --bind "$simsys" /sys
mount -o remount,bind,ro /sys

mount -t tmpfs -o mode=755,size=1m,nosuid dev /dev
for spec in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $spec
  mknod -m 666 "/dev/$1" c "$2" "$3"
done
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mkdir -p /dev/disk/by-id

# /proc is the simulator's: a read-only tmpfs linking to a real procfs for what the kernel answers
# (a procfs root cannot gain files, and the host kernel has no md driver for /proc/mdstat), with the
# machine's own meminfo, partitions, mdstat and swaps, and a link per PID of this namespace.
kproc=/usr/lib/rescue-sim/kproc
own="meminfo partitions mdstat swaps"
mkdir -p "$kproc"
mount --move /proc "$kproc"
mount -t tmpfs -o mode=555,size=4m,nosuid,nodev,noexec proc /proc
for e in "$kproc"/*; do
  name=$(basename "$e")
  case "$name" in *[!0-9]*) ;; *) continue ;; esac
  case " $own " in *" $name "*) continue ;; esac
  ln -s "$kproc/$name" "/proc/$name"
done
echo rescue > "$kproc/sys/kernel/hostname"
echo 4096 > "$kproc/sys/kernel/pid_max" 2>/dev/null || true
for f in sysrq-trigger kcore kmsg keys timer_list sched_debug latency_stats; do
  if [ -e "$kproc/$f" ]; then mount --bind /dev/null "$kproc/$f"; fi
done
for d in sys bus fs irq; do
  if [ -d "$kproc/$d" ]; then mount --bind "$kproc/$d" "$kproc/$d"; mount -o remount,bind,ro "$kproc/$d"; fi
done
for d in acpi scsi; do
  if [ -d "$kproc/$d" ]; then mount -t tmpfs -o ro,size=4k masked "$kproc/$d"; fi
done
"$kproc/../node" -e 'const fs = require("fs"); const max = Math.min(32768, Number(fs.readFileSync(process.argv[1] + "/sys/kernel/pid_max", "utf8"))); for (let i = 1; i <= max; i++) fs.symlinkSync(process.argv[1] + "/" + i, "/proc/" + i)' "$kproc"
for f in $own; do
  touch "/proc/$f"
  mount --bind "/usr/lib/rescue-sim/$f" "/proc/$f"
  mount -o remount,bind,ro "/proc/$f"
done
mount -o remount,ro /proc

echo rescue > /etc/hostname
cp /usr/lib/rescue-sim/motd /etc/motd
cp /usr/lib/rescue-sim/hetzner-build /etc/hetzner-build
for wrapper in /usr/lib/rescue-sim/bin/*; do
  name=$(basename "$wrapper")
  found=
  for dir in /usr/bin /usr/sbin /bin /sbin; do
    if [ -e "$dir/$name" ] || [ -L "$dir/$name" ]; then
      [ -e "/usr/lib/rescue-sim/real/$name" ] || cp -L "$dir/$name" "/usr/lib/rescue-sim/real/$name" 2>/dev/null || true
      rm -f "$dir/$name"
      cp "$wrapper" "$dir/$name"
      found=1
    fi
  done
  [ -n "$found" ] || cp "$wrapper" "/usr/sbin/$name"
done

# Only the rescue's tool set (toolset.ts) stays on PATH; /usr/local is Debian's empty one.
mount -t tmpfs -o mode=755,size=64k rescue-usr-local /usr/local
mkdir -p /usr/local/bin /usr/local/sbin /usr/local/lib /usr/local/share
declare -A keep
while read -r tool; do keep[$tool]=1; done < /usr/lib/rescue-sim/toolset
for dir in /usr/bin /usr/sbin; do
  cd "$dir"
  for f in *; do if [[ ! -v "keep[$f]" ]]; then printf '%s\n' "$dir/$f"; fi; done
done | xargs -d '\n' rm -f --
cd /

mkdir -p /root
cd /root
echo ready
exec setpriv --bounding-set="$drop" -- /bin/bash -c 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'
`;
