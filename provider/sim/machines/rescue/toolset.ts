/**
 * The commands of the simulated rescue system: what Hetzner's Debian-based rescue offers, by Debian
 * package, and nothing else from the host that runs the simulator (the setup script removes every
 * other command from /usr/bin and /usr/sbin and hides /usr/local). A name listed here but missing on
 * the host is simply absent (`sh: 1: parted: not found`, exit 127), as on a rescue without it; the
 * stand-ins (payload.ts) are always there. Sources: the rescue's banner (Debian 12 bookworm, "you can
 * install software like you would in a normal system"), Hetzner's rescue and installimage articles
 * (mdadm, LVM, smartctl, nvme, hdparm, parted, curl/wget, the compressors), contracts/hetzner-robot.md §2.
 */

const PACKAGES: Record<string, string> = {
  coreutils:
    "[ arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown chroot cksum comm cp csplit cut date dd df dir dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink realpath rm rmdir runcon seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail tee test timeout touch tr true truncate tsort tty uname unexpand uniq unlink users vdir wc who whoami yes",
  shells: "bash dash sh rbash",
  "util-linux":
    "blkdiscard blkid blkzone blockdev cfdisk chrt column dmesg fallocate fdisk findfs findmnt flock fsck getopt hexdump hwclock ionice ipcs kill last logger look losetup lsblk lscpu lsipc lsirq lslocks lsmem lsns mcookie mkswap more mount mountpoint namei nsenter partx prlimit renice rev script setpriv setsid sfdisk su swaplabel swapoff swapon taskset umount unshare uuidgen wdctl whereis wipefs zramctl",
  "text and files":
    "grep egrep fgrep sed awk gawk mawk nawk find xargs diff cmp diff3 sdiff tar cpio file less pager vi vim vim.basic vim.tiny view editor nano xxd bc dc which which.debianutils tempfile run-parts",
  compression: "gzip gunzip zcat bzip2 bunzip2 bzcat xz unxz xzcat lzma unlzma zstd unzstd zstdcat zstdmt pigz unpigz",
  network:
    "curl wget openssl ssh scp sftp ssh-keygen ssh-keyscan rsync ip ss bridge tc ping ping6 tracepath traceroute mtr dig host nslookup nc netcat nc.openbsd ethtool hostname dnsdomainname domainname",
  processes: "ps free top pgrep pkill pidof uptime vmstat w watch sysctl pmap htop iotop lsof strace screen tmux",
  hardware: "dmidecode lshw lspci lsusb hdparm smartctl nvme sensors ipmitool efibootmgr mokutil modprobe lsmod",
  storage:
    "sgdisk gdisk cgdisk fixparts parted partprobe mdadm lvm pvs vgs lvs pvcreate vgcreate lvcreate pvremove vgremove lvremove vgchange lvchange vgscan pvscan lvscan cryptsetup mkfs mkfs.ext2 mkfs.ext3 mkfs.ext4 mke2fs e2fsck fsck.ext4 tune2fs resize2fs dumpe2fs debugfs e2label mkfs.vfat mkfs.fat fsck.vfat fatlabel mkfs.xfs xfs_repair xfs_admin btrfs mkfs.btrfs ntfs-3g mkntfs",
  system: "systemctl journalctl reboot poweroff halt shutdown udevadm python3 perl",
};

/** Every command name the rescue's /usr/bin and /usr/sbin may hold. */
export const RESCUE_TOOLS: readonly string[] = [
  ...new Set(Object.values(PACKAGES).flatMap((l) => l.split(" "))),
].sort();
