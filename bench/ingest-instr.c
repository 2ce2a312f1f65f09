// bench:ingest-instr's driver (bench/ingest-instr.ts): the WebAssembly record loop's C source
// (native/ingest-wasm/ingest.c, or a revision's copy named by -DINGEST_C) built natively, its SIMD128 intrinsics
// mapped onto SSE by SIMDe (Debian's libsimde-dev), so that valgrind's callgrind can count the instructions the loop
// executes on a log: counts are repeatable whatever else the machine runs, where wall times here vary by ±15 %.
//
// It reads FILE through the module's own read buffer as the Ingester does and stands in for the JS side of each
// stop (wasm-agg.ts): NEED_REG registers the record's arch, syscall, action, rendering and process as the aggregate
// would (every syscall known, every arch's compat ABI allowed); ODD skips the line and sets the serial state that
// the JS path would leave; FLUSH empties the new-cell log. So the module settles the same lines it settles in a real
// ingest of a log like bench:ingest's, and its instruction count is what the loop costs; the JS path's own cost is
// not counted (bench:ingest measures the whole).
#include INGEST_C

static int32_t d_nstat, d_nproc, d_stops[4];

/** Runs the module's loop over buf[0, len) and stands in for JS at each stop; returns where the incomplete line starts. */
static int32_t drive(int32_t len) {
  int32_t pos = 0;
  for (;;) {
    pos = run(pos, len);
    int32_t st = io[R_STATUS];
    if (st == ST_END) return pos;
    d_stops[st]++;
    if (st == ST_FLUSH) {
      io[R_NEWCELLS] = 0;
      continue;
    }
    if (st == ST_NEED_REG) {
      int32_t slot = reg_arch((uint32_t)io[R_ARCH], io[R_X32], 1);
      int32_t idx = io[R_NR] - (io[R_X32] ? 0x40000000 : 0);
      if (slot >= 0 && idx >= 0 && idx < MAX_NR) {
        if (names[slot][idx] == 0 && d_nstat < MAX_STAT) names[slot][idx] = ((d_nstat++ + 1) << 2) | 1;
        int32_t e = names[slot][idx];
        if (e) stat_mask[(e >> 2) - 1] |= 1u << io[R_ACTION];
      }
      reg_rendering(io[R_REND]);
      int32_t ref;
      if (!proc_find(io[R_PID], io[R_COMM], io[R_EXE], &ref))
        reg_proc(io[R_PID], io[R_COMM], io[R_EXE], d_nproc < MAX_PROC ? d_nproc++ : P_OVERFLOW);
      io[R_NEWCELLS] = 0;
    } else {
      // what the JS path leaves after an odd line: a rendering seen, no serial to compare with
      io[R_PREV_REND] = io[R_REND] ? io[R_REND] : REND_AUDITD;
      serial_io[0] = -1;
    }
    pos = io[R_LE] + 1;
  }
}

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror(argv[1]);
    return 2;
  }
  reset();
  int32_t have = 0;
  long long bytes = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, BUF_BYTES - have);
    if (n <= 0) break;
    bytes += n;
    int32_t filled = have + (int32_t)n;
    int32_t pos = drive(filled);
    if (pos == 0 && filled == (int32_t)BUF_BYTES) pos = filled; // one line fills the buffer (not in generated logs)
    memmove(buf, buf + pos, (size_t)(filled - pos));
    have = filled - pos;
  }
  close(fd);
  printf("{\"bytes\":%lld,\"matched\":%d,\"stats\":%d,\"processes\":%d,\"odd\":%d,\"needReg\":%d,\"flush\":%d}\n", bytes,
         io[R_MATCHED], d_nstat, d_nproc, d_stops[ST_ODD], d_stops[ST_NEED_REG], d_stops[ST_FLUSH]);
  return 0;
}
