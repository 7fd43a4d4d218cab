/** Just enough of a FAT32 boot sector and an ext4 superblock for libblkid to name the filesystem. */

/** FAT32 boot sector (BPB) of a filesystem spanning `sectors` 512-byte sectors. */
export function fat32BootSector(o: {
  sectors: number;
  hiddenSectors: number;
  volumeId: number;
  label: string;
}): Buffer {
  const b = Buffer.alloc(512);
  b.set([0xeb, 0x58, 0x90], 0);
  b.write("mkfs.fat", 3, "latin1");
  const perCluster = 8;
  const reserved = 32;
  const fatSectors = Math.ceil(((o.sectors / perCluster) * 4) / 512);
  b.writeUInt16LE(512, 11);
  b.writeUInt8(perCluster, 13);
  b.writeUInt16LE(reserved, 14);
  b.writeUInt8(2, 16); // number of FATs
  b.writeUInt8(0xf8, 21); // media: fixed disk
  b.writeUInt16LE(63, 24);
  b.writeUInt16LE(255, 26);
  b.writeUInt32LE(o.hiddenSectors, 28);
  b.writeUInt32LE(o.sectors, 32);
  b.writeUInt32LE(fatSectors, 36);
  b.writeUInt32LE(2, 44); // root directory cluster
  b.writeUInt16LE(1, 48); // FSInfo sector
  b.writeUInt16LE(6, 50); // backup boot sector
  b.writeUInt8(0x80, 64);
  b.writeUInt8(0x29, 66);
  b.writeUInt32LE(o.volumeId, 67);
  b.write(o.label.padEnd(11, " ").slice(0, 11), 71, "latin1");
  b.write("FAT32   ", 82, "latin1");
  b.writeUInt16LE(0xaa55, 510);
  return b;
}

/** ext4 superblock (goes 1024 bytes into the partition), 4 KiB blocks, journal + extents. */
export function ext4Superblock(o: { bytes: number; uuid: string; label: string }): Buffer {
  const s = Buffer.alloc(1024);
  const blocks = Math.floor(o.bytes / 4096);
  const perGroup = 32768;
  const groups = Math.max(1, Math.ceil(blocks / perGroup));
  s.writeUInt32LE(groups * 8192, 0); // inodes
  s.writeUInt32LE(blocks, 4);
  s.writeUInt32LE(Math.floor(blocks / 2), 12); // free blocks
  s.writeUInt32LE(groups * 8000, 16); // free inodes
  s.writeUInt32LE(0, 20); // first data block (4 KiB blocks)
  s.writeUInt32LE(2, 24); // log block size: 1024 << 2
  s.writeUInt32LE(2, 28);
  s.writeUInt32LE(perGroup, 32);
  s.writeUInt32LE(perGroup, 36);
  s.writeUInt32LE(8192, 40);
  s.writeUInt16LE(0xef53, 56);
  s.writeUInt16LE(1, 58); // state: clean
  s.writeUInt16LE(1, 60);
  s.writeUInt32LE(1, 76); // revision: dynamic
  s.writeUInt32LE(11, 84); // first inode
  s.writeUInt16LE(256, 88); // inode size
  s.writeUInt32LE(0x4 | 0x20 | 0x10, 92); // compat: has_journal, dir_index, resize_inode
  s.writeUInt32LE(0x2 | 0x40 | 0x200, 96); // incompat: filetype, extents, flex_bg
  s.writeUInt32LE(0x1 | 0x2, 100); // ro_compat: sparse_super, large_file
  Buffer.from(o.uuid.replace(/-/g, ""), "hex").copy(s, 104);
  s.write(o.label.slice(0, 16), 120, "latin1");
  s.writeUInt32LE(8, 224); // journal inode
  return s;
}
