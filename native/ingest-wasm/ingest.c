// (One file on purpose, ~800 lines: the module is one translation unit without libc, and run() inlines its helpers.)
// seccompctl's audit-log scanner, compiled to WebAssembly (wasm32 + SIMD128) by build.sh; loaded by
// src/ingest/scan.ts from the generated src/ingest/ingest-wasm.generated.ts. No libc, no allocation: every table is a
// static array in the module's memory, the read buffer too (JS reads the file straight into it).
//
// Two layers:
// - byte search (find, eol, plain, hash, same): the contracts documented in scan.ts's WasmScanner;
// - run(pos, len): the record loop of AuditParser's byte-level path (fastLine/fastOther), settling in this module
//   every line whose outcome it knows exactly: lines without `audit` (skipped), other audit records without any
//   marker (skipped, serial tracked), and seccomp records of the common shapes whose arch, syscall, action,
//   process and rendering JS has registered (counted here, in per-stat/per-process/per-cell counters that JS adds
//   into its aggregate at the end: wasm-agg.ts). Anything else stops the loop at that line's start, with a status
//   telling JS why (ODD: let the JS path handle it; NEED_REG: the same, then register what it learned; FLUSH: the
//   log of new cells is full). The rules are those of audit-bytes.ts, audit-fast.ts and AuditParser; the tests
//   (test/ingest/fastpath.test.ts, bytes-decode.test.ts, wasm-run.test.ts) compare against the general path.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(n) __attribute__((export_name(#n)))
#ifdef XP_PROFILE
#define HOT __attribute__((noinline))
#else
#define HOT
#endif
#define BUF_BYTES (4u << 20)
#define ARENA_BYTES (1u << 20)

// The read buffer (+ slack: vector loads may read up to 64 bytes past its end), the payload memo's arena.
static uint8_t buf[BUF_BYTES + 64] __attribute__((aligned(16)));
static uint8_t arena[ARENA_BYTES + 64] __attribute__((aligned(16)));
// Results and run's in/out state: see the R_* indexes (mirrored in wasm-agg.ts).
static int32_t io[64];
static double serial_io[3]; // [0] the serial state (prev); with R_PENDING: [1] where the first pending gap settles, [2] the largest gap end

EXPORT(buf_ptr) uint8_t *buf_ptr(void) { return buf; }
EXPORT(arena_ptr) uint8_t *arena_ptr(void) { return arena; }
EXPORT(io_ptr) int32_t *io_ptr(void) { return io; }
EXPORT(serial_ptr) double *serial_ptr(void) { return serial_io; }

enum {
  R_NEWLINES = 0, R_LAST = 1, R_HIGH = 2,
  // run's deltas (JS adds them and zeroes them)
  R_LINES = 4, R_SKIPPED = 5, R_MATCHED = 6, R_FILTERED = 7, R_RECORDS = 8, R_OVERFLOW = 9, R_EXEC = 10,
  R_PREV_REND = 11, R_STATUS = 12, R_LS = 13, R_LE = 14, R_HIT = 15,
  // a record's fields (NEED_REG)
  R_ARCH = 16, R_X32 = 17, R_NR = 18, R_ACTION = 19, R_PID = 20, R_COMM = 21, R_EXE = 22, R_REND = 23,
  R_NEWCELLS = 24,
  // set by JS: serial gaps are pending (AuditParser.pendingGaps): a serial below serial_io[2] (it may fill one) or at
  // serial_io[1] or past it (one settles) goes to JS
  R_PENDING = 25,
};
enum { ST_END = 0, ST_ODD = 1, ST_NEED_REG = 2, ST_FLUSH = 3 };
// Renderings (0: none yet; 5: any other).
enum { REND_DMESG = 1, REND_SYSLOG = 2, REND_JOURNALD = 3, REND_AUDITD = 4 };

// ---- byte search ------------------------------------------------------------------------------------------------

static inline int match_audit(const uint8_t *p) {
  return p[0] == 'a' && p[1] == 'u' && p[2] == 'd' && p[3] == 'i' && p[4] == 't';
}

/** The first `audit` in [i, end) or -1; *nl ← newlines in [i, hit) (or [i, end)), *last ← the last of them (-1). */
HOT static int32_t find_audit(int32_t i, int32_t end, int32_t *nl, int32_t *last) {
  int32_t n = 0, ln = -1;
  const v128_t A = wasm_i8x16_splat('a'), D = wasm_i8x16_splat('d'), T = wasm_i8x16_splat('t'), NL = wasm_i8x16_splat('\n');
  while (i + 68 <= end) {
    const uint8_t *p = buf + i;
    v128_t a0 = wasm_v128_load(p), a1 = wasm_v128_load(p + 16), a2 = wasm_v128_load(p + 32), a3 = wasm_v128_load(p + 48);
    v128_t c0 = wasm_v128_and(wasm_v128_and(wasm_i8x16_eq(a0, A), wasm_i8x16_eq(wasm_v128_load(p + 2), D)), wasm_i8x16_eq(wasm_v128_load(p + 4), T));
    v128_t c1 = wasm_v128_and(wasm_v128_and(wasm_i8x16_eq(a1, A), wasm_i8x16_eq(wasm_v128_load(p + 18), D)), wasm_i8x16_eq(wasm_v128_load(p + 20), T));
    v128_t c2 = wasm_v128_and(wasm_v128_and(wasm_i8x16_eq(a2, A), wasm_i8x16_eq(wasm_v128_load(p + 34), D)), wasm_i8x16_eq(wasm_v128_load(p + 36), T));
    v128_t c3 = wasm_v128_and(wasm_v128_and(wasm_i8x16_eq(a3, A), wasm_i8x16_eq(wasm_v128_load(p + 50), D)), wasm_i8x16_eq(wasm_v128_load(p + 52), T));
    uint64_t nlm = (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(a0, NL)) | ((uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(a1, NL)) << 16) |
                   ((uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(a2, NL)) << 32) | ((uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(a3, NL)) << 48);
    if (wasm_v128_any_true(wasm_v128_or(wasm_v128_or(c0, c1), wasm_v128_or(c2, c3)))) {
      uint64_t m = (uint64_t)wasm_i8x16_bitmask(c0) | ((uint64_t)wasm_i8x16_bitmask(c1) << 16) |
                   ((uint64_t)wasm_i8x16_bitmask(c2) << 32) | ((uint64_t)wasm_i8x16_bitmask(c3) << 48);
      while (m) {
        int b = __builtin_ctzll(m);
        if (p[b + 1] == 'u' && p[b + 3] == 'i') {
          uint64_t before = nlm & ((1ull << b) - 1);
          n += __builtin_popcountll(before);
          if (before) ln = i + 63 - __builtin_clzll(before);
          *nl = n;
          *last = ln;
          return i + b;
        }
        m &= m - 1;
      }
    }
    n += __builtin_popcountll(nlm);
    if (nlm) ln = i + 63 - __builtin_clzll(nlm);
    i += 64;
  }
  for (; i < end; i++) {
    if (buf[i] == '\n') n++, ln = i;
    else if (i + 5 <= end && match_audit(buf + i)) {
      *nl = n;
      *last = ln;
      return i;
    }
  }
  *nl = n;
  *last = ln;
  return -1;
}

EXPORT(find) int32_t find(int32_t i, int32_t end) {
  int32_t n, last;
  int32_t hit = find_audit(i, end, &n, &last);
  io[R_NEWLINES] = n;
  io[R_LAST] = last;
  return hit;
}

/** The first newline in [i, end) or -1; *high ← non-zero when a byte before it is ≥ 0x80. */
HOT static int32_t find_eol(int32_t i, int32_t end, int32_t *high) {
  const v128_t NL = wasm_i8x16_splat('\n');
  int32_t hi = 0;
  while (i + 16 <= end) {
    v128_t v = wasm_v128_load(buf + i);
    uint32_t m = wasm_i8x16_bitmask(wasm_i8x16_eq(v, NL));
    uint32_t h = wasm_i8x16_bitmask(v);
    if (m) {
      int b = __builtin_ctz(m);
      *high = hi | (h & ((1u << b) - 1));
      return i + b;
    }
    hi |= h;
    i += 16;
  }
  for (; i < end; i++) {
    if (buf[i] == '\n') {
      *high = hi;
      return i;
    }
    hi |= buf[i] & 0x80;
  }
  *high = hi;
  return -1;
}

EXPORT(eol) int32_t eol(int32_t i, int32_t end) {
  int32_t hi;
  int32_t r = find_eol(i, end, &hi);
  io[R_HIGH] = hi;
  return r;
}

// plain: the marker triples (scan.ts MARKER_TRIPLES) found with nibble tables, one bucket (bit) per triple: the byte
// x at offset j of a position matches triple b's j-th byte exactly when LO[j][x & 15] & HI[j][x >> 4] has bit b.
static const char TRIPLES[8][4] = {"CCO", "326", "k_s", "klo", "xce", "rfl", "t_l", "MON"};
static uint8_t nib_lo[3][16] __attribute__((aligned(16)));
static uint8_t nib_hi[3][16] __attribute__((aligned(16)));
static int nib_ready = 0;

// The markers themselves (AuditParser's NOT_PLAIN, less its /dev/kmsg, JSON and CR parts), each holding its triple
// once, at MARKER_AT.
static const char *MARKERS[8] = {"SECCOMP", "1326", "printk_skb", "backlog", "rate limit exceeded", "hold queue overflow", "audit_lost=", "DAEMON_"};
static const int32_t MARKER_LEN[8] = {7, 4, 10, 7, 19, 19, 11, 7};
static int32_t MARKER_AT[8];
static int bytes_at(int32_t i, int32_t end, const char *s, int32_t n);

static void nib_init(void) {
  for (int b = 0; b < 8; b++) { // where the marker holds its triple
    const char *m = MARKERS[b];
    for (int32_t o = 0; m[o + 2]; o++) {
      if (m[o] == TRIPLES[b][0] && m[o + 1] == TRIPLES[b][1] && m[o + 2] == TRIPLES[b][2]) {
        MARKER_AT[b] = o;
        break;
      }
    }
  }
  for (int b = 0; b < 8; b++)
    for (int j = 0; j < 3; j++) {
      uint8_t c = (uint8_t)TRIPLES[b][j];
      nib_lo[j][c & 15] |= (uint8_t)(1u << b);
      nib_hi[j][c >> 4] |= (uint8_t)(1u << b);
    }
  nib_ready = 1;
}

/** 1 when no marker triple starts in [i, end) (exactly), else 0. */
HOT static int plain_range(int32_t i, int32_t end) {
  if (!nib_ready) nib_init();
  const v128_t L0 = wasm_v128_load(nib_lo[0]), L1 = wasm_v128_load(nib_lo[1]), L2 = wasm_v128_load(nib_lo[2]);
  const v128_t H0 = wasm_v128_load(nib_hi[0]), H1 = wasm_v128_load(nib_hi[1]), H2 = wasm_v128_load(nib_hi[2]);
  const v128_t F = wasm_i8x16_splat(0x0f);
  for (; i < end; i += 16) {
    const uint8_t *p = buf + i;
    v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 1), v2 = wasm_v128_load(p + 2);
    v128_t m0 = wasm_v128_and(wasm_i8x16_swizzle(L0, wasm_v128_and(v0, F)), wasm_i8x16_swizzle(H0, wasm_u8x16_shr(v0, 4)));
    v128_t m1 = wasm_v128_and(wasm_i8x16_swizzle(L1, wasm_v128_and(v1, F)), wasm_i8x16_swizzle(H1, wasm_u8x16_shr(v1, 4)));
    v128_t m2 = wasm_v128_and(wasm_i8x16_swizzle(L2, wasm_v128_and(v2, F)), wasm_i8x16_swizzle(H2, wasm_u8x16_shr(v2, 4)));
    v128_t m = wasm_v128_and(wasm_v128_and(m0, m1), m2);
    if (wasm_v128_any_true(m)) {
      uint32_t lanes = wasm_i8x16_bitmask(wasm_i8x16_ne(m, wasm_i8x16_splat(0)));
      if (end - i < 16) lanes &= (1u << (end - i)) - 1;
      if (lanes) return 0;
    }
  }
  return 1;
}

EXPORT(plain) int32_t plain(int32_t i, int32_t end) { return plain_range(i, end); }

/**
 * find_eol and plain_range in one pass: the first newline in [i, end) or -1, *high as find_eol's, and *plain ←
 * plain_range(i, that newline) (set only when a newline is found). The triples are no longer looked for once one is
 * found before the newline's block.
 */
HOT static int32_t find_eol_plain(int32_t i, int32_t end, int32_t *high, int32_t *plain) {
  if (!nib_ready) nib_init();
  const v128_t L0 = wasm_v128_load(nib_lo[0]), L1 = wasm_v128_load(nib_lo[1]), L2 = wasm_v128_load(nib_lo[2]);
  const v128_t H0 = wasm_v128_load(nib_hi[0]), H1 = wasm_v128_load(nib_hi[1]), H2 = wasm_v128_load(nib_hi[2]);
  const v128_t F = wasm_i8x16_splat(0x0f), NL = wasm_i8x16_splat('\n');
  const int32_t from = i;
  int32_t hi = 0;
  uint32_t tri = 0;
  while (i + 16 <= end) {
    const uint8_t *p = buf + i;
    v128_t v0 = wasm_v128_load(p);
    uint32_t m = wasm_i8x16_bitmask(wasm_i8x16_eq(v0, NL));
    uint32_t h = wasm_i8x16_bitmask(v0);
    uint32_t t = 0;
    if (!tri) {
      v128_t v1 = wasm_v128_load(p + 1), v2 = wasm_v128_load(p + 2);
      v128_t m0 = wasm_v128_and(wasm_i8x16_swizzle(L0, wasm_v128_and(v0, F)), wasm_i8x16_swizzle(H0, wasm_u8x16_shr(v0, 4)));
      v128_t m1 = wasm_v128_and(wasm_i8x16_swizzle(L1, wasm_v128_and(v1, F)), wasm_i8x16_swizzle(H1, wasm_u8x16_shr(v1, 4)));
      v128_t m2 = wasm_v128_and(wasm_i8x16_swizzle(L2, wasm_v128_and(v2, F)), wasm_i8x16_swizzle(H2, wasm_u8x16_shr(v2, 4)));
      t = wasm_i8x16_bitmask(wasm_i8x16_ne(wasm_v128_and(wasm_v128_and(m0, m1), m2), wasm_i8x16_splat(0)));
    }
    if (m) {
      uint32_t before = (1u << __builtin_ctz(m)) - 1;
      *high = hi | (h & before);
      *plain = !(tri | (t & before));
      return i + __builtin_ctz(m);
    }
    hi |= h;
    tri |= t;
    i += 16;
  }
  int32_t le = find_eol(i, end, high);
  if (le >= 0) {
    *high |= hi;
    *plain = !tri && plain_range(from, le);
  }
  return le;
}



/** 1 when no marker lies in [i, end): a triple found by the nibble tables is checked against its whole marker. */
HOT static int no_marker(int32_t from, int32_t end) {
  if (!nib_ready) nib_init();
  const v128_t L0 = wasm_v128_load(nib_lo[0]), L1 = wasm_v128_load(nib_lo[1]), L2 = wasm_v128_load(nib_lo[2]);
  const v128_t H0 = wasm_v128_load(nib_hi[0]), H1 = wasm_v128_load(nib_hi[1]), H2 = wasm_v128_load(nib_hi[2]);
  const v128_t F = wasm_i8x16_splat(0x0f);
  uint8_t lanes[16] __attribute__((aligned(16)));
  for (int32_t i = from; i < end; i += 16) {
    const uint8_t *p = buf + i;
    v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 1), v2 = wasm_v128_load(p + 2);
    v128_t m0 = wasm_v128_and(wasm_i8x16_swizzle(L0, wasm_v128_and(v0, F)), wasm_i8x16_swizzle(H0, wasm_u8x16_shr(v0, 4)));
    v128_t m1 = wasm_v128_and(wasm_i8x16_swizzle(L1, wasm_v128_and(v1, F)), wasm_i8x16_swizzle(H1, wasm_u8x16_shr(v1, 4)));
    v128_t m2 = wasm_v128_and(wasm_i8x16_swizzle(L2, wasm_v128_and(v2, F)), wasm_i8x16_swizzle(H2, wasm_u8x16_shr(v2, 4)));
    v128_t m = wasm_v128_and(wasm_v128_and(m0, m1), m2);
    if (!wasm_v128_any_true(m)) continue;
    wasm_v128_store(lanes, m);
    for (int32_t k = 0; k < 16 && i + k < end; k++) {
      for (uint32_t b = lanes[k]; b; b &= b - 1) {
        int t = __builtin_ctz(b);
        int32_t at = i + k - MARKER_AT[t];
        if (at >= from && bytes_at(at, end, MARKERS[t], MARKER_LEN[t])) return 0;
      }
    }
  }
  return 1;
}

/** A 32-bit hash of [i, end) (FNV-1a over 32-bit words, then the tail bytes; seeded by the length). */
EXPORT(hash) uint32_t hash(int32_t i, int32_t end) {
  uint32_t h = 2166136261u ^ (uint32_t)(end - i) * 0x9e3779b1u;
  for (; i + 4 <= end; i += 4) {
    uint32_t w = (uint32_t)buf[i] | ((uint32_t)buf[i + 1] << 8) | ((uint32_t)buf[i + 2] << 16) | ((uint32_t)buf[i + 3] << 24);
    h = (h ^ w) * 16777619u;
    h ^= h >> 15;
  }
  for (; i < end; i++) h = (h ^ buf[i]) * 16777619u;
  return h;
}

/** 1 when arena[a, a+len) equals buf[b, b+len). */
EXPORT(same) int32_t same(int32_t a, int32_t b, int32_t len) {
  int32_t k = 0;
  for (; k + 16 <= len; k += 16) {
    if (wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(arena + a + k), wasm_v128_load(buf + b + k))) != 0xffff) return 0;
  }
  for (; k < len; k++) if (arena[a + k] != buf[b + k]) return 0;
  return 1;
}

// ---- the aggregate tables (registered by JS; see wasm-agg.ts) ----------------------------------------------------

#define MAX_ARCH 16
#define MAX_NR 8192
#define MAX_STAT 4096
#define MAX_PROC 4096
#define N_ACTIONS 9
#define PROC_SLOTS 16384
#define PROC_MAX 8192
#define CELL_SLOTS (1 << 19)
#define CELL_MAX (1 << 18) // at most half the slots
#define LOG_MAX 16384
#define INTERN_SLOTS 32768
#define INTERN_MAX 16384
#define INTERN_BYTES (1 << 20)

static uint32_t arch_code[MAX_ARCH];
static int32_t arch_x32[MAX_ARCH];
static int32_t arch_compat_ok[MAX_ARCH];
static int32_t n_arch;
/** Per (arch slot, syscall number): 0 unknown, else ((stat index + 1) << 2) | exec << 1 | 1. */
static int32_t names[MAX_ARCH][MAX_NR];
static uint32_t stat_count[MAX_STAT];
static uint32_t stat_action[MAX_STAT][N_ACTIONS];
static uint32_t stat_mask[MAX_STAT];
static uint32_t arch_compat[MAX_ARCH][3]; // compat, native, unknown
static uint32_t rend_mask;
static uint32_t proc_records[MAX_PROC];
// processes by (pid, comm id, exe id) → reference: ≥ 0 process index, or one of:
enum { P_FILTERED = -2, P_NOPROC = -3, P_OVERFLOW = -4 };
// one 16-byte slot per key (pid, comm id, exe id, reference + 8; 0: free), so a lookup touches one cache line
static int32_t proc_tab[PROC_SLOTS][4];
static int32_t n_proc;
// cells: (process index, stat index) → count; new ones are logged for JS (first-seen order)
// open addressing, one 8-byte slot per cell: key + 1 (0: free) and its count, so a record touches one cache line
static uint32_t cell_tab[CELL_SLOTS][2];
static int32_t n_cell;
static int32_t cell_log[LOG_MAX];
// comm/exe values by their bytes and quoting → id
static int32_t intern_slot[INTERN_SLOTS]; // id + 1
static int32_t intern_off[INTERN_MAX];
static int32_t intern_len[INTERN_MAX];
static int32_t intern_quoted[INTERN_MAX];
static uint32_t intern_hash[INTERN_MAX];
static uint8_t intern_bytes[INTERN_BYTES];
static int32_t n_intern, intern_used;

EXPORT(names_ptr) int32_t *names_ptr(void) { return &names[0][0]; }
EXPORT(stat_count_ptr) uint32_t *stat_count_ptr(void) { return stat_count; }
EXPORT(stat_action_ptr) uint32_t *stat_action_ptr(void) { return &stat_action[0][0]; }
EXPORT(stat_mask_ptr) uint32_t *stat_mask_ptr(void) { return stat_mask; }
EXPORT(arch_compat_ptr) uint32_t *arch_compat_ptr(void) { return &arch_compat[0][0]; }
EXPORT(proc_records_ptr) uint32_t *proc_records_ptr(void) { return proc_records; }
EXPORT(cell_tab_ptr) uint32_t *cell_tab_ptr(void) { return &cell_tab[0][0]; }
EXPORT(cell_log_ptr) int32_t *cell_log_ptr(void) { return cell_log; }
EXPORT(intern_off_ptr) int32_t *intern_off_ptr(void) { return intern_off; }
EXPORT(intern_len_ptr) int32_t *intern_len_ptr(void) { return intern_len; }
EXPORT(intern_quoted_ptr) int32_t *intern_quoted_ptr(void) { return intern_quoted; }
EXPORT(intern_bytes_ptr) uint8_t *intern_bytes_ptr(void) { return intern_bytes; }


static void zero(void *p, uint32_t n) { __builtin_memset(p, 0, n); }

/** Forgets every registration and count (a new aggregate session). */
EXPORT(reset) void reset(void) {
  zero(names, sizeof names);
  zero(stat_count, sizeof stat_count);
  zero(stat_action, sizeof stat_action);
  zero(stat_mask, sizeof stat_mask);
  zero(arch_compat, sizeof arch_compat);
  zero(proc_records, sizeof proc_records);
  zero(proc_tab, sizeof proc_tab);
  if (n_cell > 0) zero(cell_tab, sizeof cell_tab);
  zero(intern_slot, sizeof intern_slot);
  n_arch = 0;
  rend_mask = 0;
  n_proc = 0;
  n_cell = 0;
  n_intern = 0;
  intern_used = 0;
  io[R_NEWCELLS] = 0;
}

/** Zeroes the counters (after JS added them), keeping the registrations. */
EXPORT(clear_counts) void clear_counts(void) {
  zero(stat_count, sizeof stat_count);
  zero(stat_action, sizeof stat_action);
  zero(arch_compat, sizeof arch_compat);
  zero(proc_records, sizeof proc_records);
  // (the cells' counts: JS zeroes them as it adds them)
}

EXPORT(reg_arch) int32_t reg_arch(uint32_t code, int32_t x32, int32_t compat_ok) {
  for (int32_t k = 0; k < n_arch; k++) {
    if (arch_code[k] == code && arch_x32[k] == x32) {
      arch_compat_ok[k] = compat_ok;
      return k;
    }
  }
  if (n_arch >= MAX_ARCH) return -1;
  arch_code[n_arch] = code;
  arch_x32[n_arch] = x32;
  arch_compat_ok[n_arch] = compat_ok;
  return n_arch++;
}

EXPORT(reg_rendering) void reg_rendering(int32_t r) { rend_mask |= 1u << r; }

static inline uint32_t proc_hash(int32_t pid, int32_t comm, int32_t exe) {
  uint32_t h = (uint32_t)pid * 2654435761u ^ (uint32_t)comm * 2246822519u ^ (uint32_t)exe * 3266489917u;
  return (h ^ (h >> 16)) & (PROC_SLOTS - 1);
}

HOT static int32_t proc_find(int32_t pid, int32_t comm, int32_t exe, int32_t *ref) {
  uint32_t s = proc_hash(pid, comm, exe);
  while (proc_tab[s][3] != 0) {
    if (proc_tab[s][0] == pid && proc_tab[s][1] == comm && proc_tab[s][2] == exe) {
      *ref = proc_tab[s][3] - 8;
      return 1;
    }
    s = (s + 1) & (PROC_SLOTS - 1);
  }
  return 0;
}

EXPORT(reg_proc) void reg_proc(int32_t pid, int32_t comm, int32_t exe, int32_t ref) {
  uint32_t s = proc_hash(pid, comm, exe);
  while (proc_tab[s][3] != 0) {
    if (proc_tab[s][0] == pid && proc_tab[s][1] == comm && proc_tab[s][2] == exe) {
      proc_tab[s][3] = ref + 8;
      return;
    }
    s = (s + 1) & (PROC_SLOTS - 1);
  }
  if (n_proc >= PROC_MAX) return;
  proc_tab[s][0] = pid;
  proc_tab[s][1] = comm;
  proc_tab[s][2] = exe;
  proc_tab[s][3] = ref + 8; // ref ≥ -4
  n_proc++;
}

/** The 4 bytes at buf[i] (little-endian, unaligned). */
static inline uint32_t load32(int32_t i) {
  uint32_t w;
  __builtin_memcpy(&w, buf + i, 4);
  return w;
}

/** Whether the 8 bytes at i are those of s (one 64-bit compare; buf has slack past any line). */
static inline int eq8(int32_t i, const char *s) {
  uint64_t a, b;
  __builtin_memcpy(&a, buf + i, 8);
  __builtin_memcpy(&b, s, 8);
  return a == b;
}

/** The id of the value buf[a, b) (quoted or not), interned on first sight; -2 when the table is full. */
HOT static int32_t intern(int32_t a, int32_t b, int32_t quoted) {
  // 4 bytes a step (the last word masked to the value's bytes; buf has slack past any line)
  int32_t len = b - a;
  uint32_t h = 2166136261u ^ (uint32_t)quoted ^ (uint32_t)len * 0x9e3779b1u;
  int32_t i = a;
  for (; i + 4 <= b; i += 4) h = (h ^ load32(i)) * 16777619u, h ^= h >> 15;
  if (i < b) h = (h ^ (load32(i) & (0xffffffffu >> (8 * (4 - (b - i)))))) * 16777619u;
  h ^= h >> 15;
  uint32_t s = h & (INTERN_SLOTS - 1);
  while (intern_slot[s] != 0) {
    int32_t id = intern_slot[s] - 1;
    if (intern_hash[id] == h && intern_len[id] == len && intern_quoted[id] == quoted) {
      const uint8_t *x = intern_bytes + intern_off[id];
      int32_t k = 0;
      for (uint32_t w; k + 4 <= len; k += 4) {
        __builtin_memcpy(&w, x + k, 4);
        if (w != load32(a + k)) break;
      }
      while (k < len && x[k] == buf[a + k]) k++;
      if (k == len) return id;
    }
    s = (s + 1) & (INTERN_SLOTS - 1);
  }
  if (n_intern >= INTERN_MAX || intern_used + len > INTERN_BYTES) return -2;
  int32_t id = n_intern++;
  intern_off[id] = intern_used;
  intern_len[id] = len;
  intern_quoted[id] = quoted;
  intern_hash[id] = h;
  for (int32_t k = 0; k < len; k++) intern_bytes[intern_used + k] = buf[a + k];
  intern_used += len;
  intern_slot[s] = id + 1;
  return id;
}

// ---- the record loop --------------------------------------------------------------------------------------------

static inline int is_word(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static inline int is_space(uint8_t c) { return c == ' ' || (c >= 9 && c <= 13); }

static int bytes_at(int32_t i, int32_t end, const char *s, int32_t n) {
  if (i + n > end) return 0;
  for (int32_t k = 0; k < n; k++) if (buf[i + k] != (uint8_t)s[k]) return 0;
  return 1;
}

/** `type=1326 ` or `type=SECCOMP ` in [from, to) (16 positions a step: `t` there and `=` four further). */
HOT static int has_kernel_marker(int32_t from, int32_t to) {
  const v128_t T = wasm_i8x16_splat('t'), EQ = wasm_i8x16_splat('=');
  for (int32_t i = from; i + 10 <= to; i += 16) {
    uint32_t m = wasm_i8x16_bitmask(wasm_v128_and(wasm_i8x16_eq(wasm_v128_load(buf + i), T), wasm_i8x16_eq(wasm_v128_load(buf + i + 4), EQ)));
    while (m) {
      int32_t c = i + __builtin_ctz(m);
      if (c + 10 > to) return 0;
      if (bytes_at(c, to, "type=1326 ", 10) || bytes_at(c, to, "type=SECCOMP ", 13)) return 1;
      m &= m - 1;
    }
  }
  return 0;
}

/** `) : ` in [from, to) (16 positions a step: `)` there and `:` two further). */
HOT static int has_ausearch_sep(int32_t from, int32_t to) {
  const v128_t CL = wasm_i8x16_splat(')'), CO = wasm_i8x16_splat(':');
  for (int32_t i = from; i + 4 <= to; i += 16) {
    uint32_t m = wasm_i8x16_bitmask(wasm_v128_and(wasm_i8x16_eq(wasm_v128_load(buf + i), CL), wasm_i8x16_eq(wasm_v128_load(buf + i + 2), CO)));
    while (m) {
      int32_t c = i + __builtin_ctz(m);
      if (c + 4 > to) return 0;
      if (buf[c + 1] == ' ' && buf[c + 3] == ' ') return 1;
      m &= m - 1;
    }
  }
  return 0;
}

/** serialOfBytes: 1 to 15 digits after the last colon of [from, to), else -1. */
HOT static int64_t serial_of(int32_t from, int32_t to) {
  int32_t i = to;
  while (i > from && buf[i - 1] != ':') i--;
  if (to - i < 1 || to - i > 15) return -1;
  int64_t n = 0;
  for (int32_t k = i; k < to; k++) {
    uint8_t c = buf[k];
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// lineShape's results
static int32_t sh_rend, sh_p;
static int64_t sh_serial; // -1: none (journald)

/** audit-bytes.ts lineShape; -1 for an odd serial (the JS path decides), 0 not this shape, 1 this shape. */
HOT static int line_shape(int32_t ls, int32_t le, int32_t h) {
  uint8_t b0 = buf[ls];
  if (b0 == 'n') return 0;
  if (buf[h + 5] == '[') {
    if (h > ls && is_word(buf[h - 1])) return 0;
    int32_t i = h + 6;
    while (i < le && buf[i] >= '0' && buf[i] <= '9') i++;
    if (i == h + 6 || !bytes_at(i, le, "]: SECCOMP ", 11)) return 0;
    if (has_kernel_marker(ls, h)) return 0;
    sh_rend = REND_JOURNALD;
    sh_p = i + 11;
    sh_serial = -1;
    return 1;
  }
  int32_t st;
  if (bytes_at(h, le, "audit: type=1326 audit(", 23)) {
    if (b0 == '[') sh_rend = REND_DMESG;
    else if (bytes_at(ls, le, "type=", 5)) return 0;
    else sh_rend = REND_SYSLOG;
    st = h + 17;
  } else if (h == ls + 17 && bytes_at(ls, le, "type=SECCOMP msg=", 17) && buf[h + 5] == '(') {
    sh_rend = REND_AUDITD;
    st = h;
  } else {
    return 0;
  }
  int32_t close = st + 6;
  while (close < le && buf[close] != ')') close++;
  if (close >= le || buf[close + 1] != ':') return 0;
  int64_t sn = serial_of(st + 6, close);
  if (sn < 0) return 0;
  sh_serial = sn;
  int32_t p = close + 2;
  if (p < le && is_space(buf[p])) p++;
  sh_p = p;
  return 1;
}

// decodeRawBytes
enum { K_ARCH, K_SYSCALL, K_COMPAT, K_CODE, K_PID, K_COMM, K_EXE };
// the keys: arch=, syscall=, compat=, code=, pid=, comm=, exe= (which_key), and their lengths
static const int32_t KEYLEN[7] = {5, 8, 7, 5, 4, 5, 4};

#define W4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/** The key (K_*) whose name and `=` start at i (within [i, end)), else -1: word compares of the first 4 and next bytes. */
static int which_key(int32_t i, int32_t end) {
  uint32_t w = load32(i);
  int32_t room = end - i;
  switch (w) {
    case W4('a', 'r', 'c', 'h'): return room >= 5 && buf[i + 4] == '=' ? K_ARCH : -1;
    case W4('s', 'y', 's', 'c'): return room >= 8 && load32(i + 4) == W4('a', 'l', 'l', '=') ? K_SYSCALL : -1;
    case W4('c', 'o', 'd', 'e'): return room >= 5 && buf[i + 4] == '=' ? K_CODE : -1;
    case W4('c', 'o', 'm', 'm'): return room >= 5 && buf[i + 4] == '=' ? K_COMM : -1;
    case W4('c', 'o', 'm', 'p'): return room >= 7 && (load32(i + 4) & 0xffffffu) == W4('a', 't', '=', 0) ? K_COMPAT : -1;
    case W4('p', 'i', 'd', '='): return room >= 4 ? K_PID : -1;
    case W4('e', 'x', 'e', '='): return room >= 4 ? K_EXE : -1;
    default: return -1;
  }
}

/** The first byte c in [i, le), else le (16 bytes a step; buf has slack past any line). */
static int32_t first_byte(int32_t i, int32_t le, uint8_t c) {
  const v128_t C = wasm_i8x16_splat((int8_t)c);
  for (; i < le; i += 16) {
    uint32_t m = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(buf + i), C));
    if (m) return i + __builtin_ctz(m) < le ? i + __builtin_ctz(m) : le;
  }
  return le;
}

static int32_t value_end(int32_t v, int32_t end, int32_t le) {
  if (v < le && buf[v] == '"') {
    int32_t q = first_byte(v + 1, le, '"');
    return q >= le || q > end ? end : q;
  }
  int32_t sp = first_byte(v, le, ' ');
  return sp >= le || sp > end ? end : sp;
}

/** 1 to 15 decimal digits, else -1. */
static int64_t digits(int32_t a, int32_t b) {
  if (b - a < 1 || b - a > 15) return -1;
  int64_t n = 0;
  for (int32_t i = a; i < b; i++) {
    uint8_t c = buf[i];
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

static int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** 1 to 8 hex digits of either case, else -1. */
static int64_t hex(int32_t a, int32_t b) {
  if (b - a < 1 || b - a > 8) return -1;
  int64_t n = 0;
  for (int32_t i = a; i < b; i++) {
    int d = hex_digit(buf[i]);
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/** actionOfCode's index (wasm-agg.ts ACTIONS): kill_process, kill_thread, trap, errno, notify, trace, log, allow, unknown. */
static int action_of(uint32_t code) {
  switch (code & 0xffff0000u) {
    case 0x80000000u: return 0;
    case 0x00000000u: return 1;
    case 0x00030000u: return 2;
    case 0x00050000u: return 3;
    case 0x7fc00000u: return 4;
    case 0x7ff00000u: return 5;
    case 0x7ffc0000u: return 6;
    case 0x7fff0000u: return 7;
    default: return 8;
  }
}

/** codeAction on a `0x…` value: the action index, or -1 (not 0x…: the string path decides). */
static int code_action(int32_t a, int32_t b) {
  if (b - a < 2 || buf[a] != '0' || (buf[a + 1] != 'x' && buf[a + 1] != 'X')) return -1;
  if (b - a <= 10) {
    int64_t whole = hex(a + 2, b);
    if (whole >= 0) return action_of((uint32_t)whole);
  }
  uint32_t n = 0;
  int32_t j = a + 2;
  for (; j < b && j < a + 10; j++) {
    uint8_t c = buf[j];
    if (c >= '0' && c <= '9') n = n * 16 + (c - '0');
    else if (c >= 'a' && c <= 'f') n = n * 16 + (c - 'a' + 10);
    else break;
  }
  return j == a + 2 ? 8 : action_of(n);
}

// a decoded record
static uint32_t f_arch;
static int32_t f_nr, f_action, f_pid, f_compat, f_comm, f_exe;

/** The value id of comm/exe at v (-1: absent; -2: the intern table is full). */
static int32_t value_id(int32_t v, int32_t end, int32_t le) {
  if (v < 0) return -1;
  int32_t e = value_end(v, end, le);
  if (v < le && buf[v] == '"') return intern(v + 1, e < v + 1 ? v + 1 : e, 1);
  return intern(v, e, 0);
}

/** decodeRawBytes on buf[p, le): 1 when the fields are of the common shape (into f_*), else 0. */
HOT static int decode(int32_t p, int32_t le) {
  int32_t at[7] = {-1, -1, -1, -1, -1, -1, -1};
  // The token starts (the payload's start, each byte after a space) before the first 0x1d, 16 bytes a step; the
  // first occurrence of each key at a token start counts (parseRawFields' rules).
  int32_t end = le;
  int32_t t = p;
  const v128_t SP = wasm_i8x16_splat(' '), GS = wasm_i8x16_splat(0x1d);
  for (int32_t i = p; i < end; i += 16) {
    v128_t v = wasm_v128_load(buf + i);
    uint32_t lim = end - i < 16 ? (1u << (end - i)) - 1 : 0xffffu;
    uint32_t g = wasm_i8x16_bitmask(wasm_i8x16_eq(v, GS)) & lim;
    uint32_t sp = wasm_i8x16_bitmask(wasm_i8x16_eq(v, SP)) & lim;
    if (g) {
      end = i + __builtin_ctz(g);
      sp &= (1u << __builtin_ctz(g)) - 1;
    }
    for (;;) {
      if (t < end) {
        int k = which_key(t, le);
        if (k >= 0 && at[k] == -1) at[k] = t + KEYLEN[k];
      }
      if (!sp) break;
      t = i + __builtin_ctz(sp) + 1;
      sp &= sp - 1;
    }
    t = 0x7fffffff; // all checked: the next start comes from a space
    if (g) break;
  }
  int32_t sa = at[K_SYSCALL], aa = at[K_ARCH];
  if (sa < 0 || aa < 0) return 0;
  int64_t nr = digits(sa, value_end(sa, end, le));
  if (nr < 0 || nr > 0x7fffffff) return 0;
  if (buf[aa] == '"') return 0;
  int64_t code = hex(aa, value_end(aa, end, le));
  if (code < 0) return 0;
  int action = 8;
  int32_t ca = at[K_CODE];
  if (ca >= 0) {
    action = code_action(ca, value_end(ca, end, le));
    if (action < 0) return 0;
  }
  int32_t pa = at[K_PID], cpa = at[K_COMPAT];
  if ((pa >= 0 && pa < le && buf[pa] == '"') || (cpa >= 0 && cpa < le && buf[cpa] == '"')) return 0;
  int32_t pid = -1;
  if (pa >= 0) {
    int64_t n = digits(pa, value_end(pa, end, le));
    if (n > 0x7fffffff) return 0;
    pid = (int32_t)n; // -1: not digits (undefined)
  }
  int32_t compat = 2; // 0 false, 1 true, 2 absent
  if (cpa >= 0) {
    int32_t e = value_end(cpa, end, le);
    compat = (e - cpa == 1 && buf[cpa] == '1') ? 1 : 0;
  }
  int32_t comm = value_id(at[K_COMM], end, le);
  int32_t exe = value_id(at[K_EXE], end, le);
  if (comm == -2 || exe == -2) return 0;
  f_arch = (uint32_t)code;
  f_nr = (int32_t)nr;
  f_action = action;
  f_pid = pid;
  f_compat = compat;
  f_comm = comm;
  f_exe = exe;
  return 1;
}

/**
 * auditd's PROCTITLE record with a hex value, `type=PROCTITLE msg=audit(T:S): proctitle=HEX` (h: its `audit`): where
 * HEX starts, else -1. Such a line needs no marker search: none of the markers but `1326` can be spelt with digits,
 * `.`, `:` and A–F, and a `1326` in an other record's line changes nothing the JS path does with it (it is neither
 * `type=1326 ` nor a loss message), so the line is settled like a plain other line (its serial taken).
 */
static int32_t pt_close; // proctitle_hex_at: where the stamp ends

HOT static int32_t proctitle_hex_at(int32_t ls, int32_t h, int32_t len) {
  if (h != ls + 19 || !eq8(ls, "type=PRO") || !eq8(ls + 8, "CTITLE m") || !eq8(ls + 16, "sg=audit") || buf[h + 5] != '(') return -1;
  // the stamp: `)` within 32 bytes, every byte before it in '.'..':' (digits, '.', '/', ':': no marker in them)
  const int32_t s0 = h + 6;
  v128_t v0 = wasm_v128_load(buf + s0), v1 = wasm_v128_load(buf + s0 + 16);
  const v128_t P = wasm_i8x16_splat(')'), LO = wasm_i8x16_splat('.'), SPAN = wasm_i8x16_splat(':' - '.');
  uint32_t close = (uint32_t)wasm_i8x16_bitmask(wasm_i8x16_eq(v0, P)) | (uint32_t)wasm_i8x16_bitmask(wasm_i8x16_eq(v1, P)) << 16;
  if (!close) return -1;
  uint32_t in = (uint32_t)wasm_i8x16_bitmask(wasm_u8x16_le(wasm_i8x16_sub(v0, LO), SPAN)) |
                (uint32_t)wasm_i8x16_bitmask(wasm_u8x16_le(wasm_i8x16_sub(v1, LO), SPAN)) << 16;
  int32_t c = __builtin_ctz(close);
  if (c == 0 || (~in & ((1u << c) - 1))) return -1;
  c += s0;
  if (c + 13 > len || !eq8(c, "): proct") || !eq8(c + 5, "octitle=")) return -1;
  pt_close = c;
  return c + 13;
}

/** The first newline in [i, end) when every byte before it is 0-9 or A-F; -1 otherwise (or without a newline). */
HOT static int32_t hex_to_eol(int32_t i, int32_t end) {
  const v128_t NL = wasm_i8x16_splat('\n'), D0 = wasm_i8x16_splat('0'), A = wasm_i8x16_splat('A');
  const v128_t N9 = wasm_i8x16_splat(9), N5 = wasm_i8x16_splat(5);
  for (; i < end; i += 16) {
    v128_t v = wasm_v128_load(buf + i);
    // hex lanes: v - '0' ≤ 9 or v - 'A' ≤ 5 (unsigned: anything below wraps high; a high byte is neither)
    v128_t ok = wasm_v128_or(wasm_u8x16_le(wasm_i8x16_sub(v, D0), N9), wasm_u8x16_le(wasm_i8x16_sub(v, A), N5));
    uint32_t bad = ~(uint32_t)wasm_i8x16_bitmask(ok) & 0xffffu;
    uint32_t nl = wasm_i8x16_bitmask(wasm_i8x16_eq(v, NL));
    uint32_t lim = end - i < 16 ? (1u << (end - i)) - 1 : 0xffffu;
    nl &= lim;
    bad &= lim;
    if (nl) {
      uint32_t before = (1u << __builtin_ctz(nl)) - 1;
      return (bad & before) ? -1 : i + __builtin_ctz(nl);
    }
    if (bad) return -1;
  }
  return -1;
}

/** The first `audit(` starting in [k, le - 6], or -1 (16 positions a step: `a` there and `(` five further). */
HOT static int32_t find_paren_stamp(int32_t k, int32_t le) {
  const v128_t A = wasm_i8x16_splat('a'), P = wasm_i8x16_splat('(');
  for (; k + 6 <= le; k += 16) {
    uint32_t m = wasm_i8x16_bitmask(wasm_v128_and(wasm_i8x16_eq(wasm_v128_load(buf + k), A), wasm_i8x16_eq(wasm_v128_load(buf + k + 5), P)));
    while (m) {
      int32_t c = k + __builtin_ctz(m);
      if (c + 6 > le) return -1;
      if (bytes_at(c, le, "audit(", 6)) return c;
      m &= m - 1;
    }
  }
  return -1;
}

static inline uint32_t cell_hash(uint32_t key) { return (key * 2654435761u) >> 13; }

/** The slot of (process, stat): found (*found = 1) or the free slot where it goes. */
HOT static uint32_t cell_find(uint32_t key, int *found) {
  uint32_t s = cell_hash(key);
  while (cell_tab[s][0] != 0) {
    if (cell_tab[s][0] == key + 1) {
      *found = 1;
      return s;
    }
    s = (s + 1) & (CELL_SLOTS - 1);
  }
  *found = 0;
  return s;
}

/**
 * Handles the lines from `pos` (a line start) up to `len` (see the header); returns where it stopped: the start of
 * the line JS must handle (status ODD, NEED_REG, FLUSH: R_LS, R_LE, R_HIT), or of the incomplete last line (END).
 */
EXPORT(run) int32_t run(int32_t pos, int32_t len) {
  int32_t lines = 0, skipped = 0, matched = 0, filtered = 0, records = 0, overflow = 0, exec = 0;
  int64_t prev = (int64_t)serial_io[0];
  const int32_t pending = io[R_PENDING];
  const int64_t settle_at = (int64_t)serial_io[1], late_below = (int64_t)serial_io[2];
  int32_t prev_rend = io[R_PREV_REND];
  int32_t status = ST_END;
  for (;;) {
    int32_t nl, last;
    int32_t h = find_audit(pos, len, &nl, &last);
    if (nl > 0) {
      lines += nl;
      skipped += nl;
      pos = last + 1;
    }
    if (h < 0) break;
    int32_t high = 0, plain_line = 1;
    int32_t ls = pos;
    int32_t le = -1;
    int32_t hx = proctitle_hex_at(ls, h, len);
    if (hx >= 0 && (le = hex_to_eol(hx, len)) >= 0) {
      // settled as fastOther settles a plain other line: its serial taken (else the general steps below decide)
      int64_t sn = serial_of(h + 6, pt_close);
      if (sn >= 0 && !(pending && (sn < late_below || sn >= settle_at))) {
        if (sn > prev) prev = sn;
        lines++;
        skipped++;
        pos = le + 1;
        continue;
      }
      plain_line = 0;
    }
    if (le < 0) le = find_eol_plain(ls, len, &high, &plain_line);
    if (le < 0) break;
    int st = ST_ODD;
    uint8_t b0 = buf[ls];
    if (high || buf[le - 1] == '\r' || (b0 >= '0' && b0 <= '9') || b0 == '{') goto stop;
    if (line_shape(ls, le, h)) {
      // a seccomp record (AuditParser.fastLine)
      int32_t p = sh_p, rend = sh_rend;
      if (le - p > 1024) goto stop;
      if (rend == REND_JOURNALD && has_kernel_marker(p, le)) goto stop;
      if (rend == REND_AUDITD && has_ausearch_sep(p, le)) goto stop;
      if (!decode(p, le)) goto stop;
      int32_t x32 = f_nr >= 0x40000000;
      int32_t slot = -1;
      for (int32_t k = 0; k < n_arch; k++) {
        if (arch_code[k] == f_arch && arch_x32[k] == x32) {
          slot = k;
          break;
        }
      }
      int32_t idx = f_nr - (x32 ? 0x40000000 : 0);
      if (idx >= MAX_NR) goto stop;
      st = ST_NEED_REG;
      io[R_ARCH] = (int32_t)f_arch;
      io[R_X32] = x32;
      io[R_NR] = f_nr;
      io[R_ACTION] = f_action;
      io[R_PID] = f_pid;
      io[R_COMM] = f_comm;
      io[R_EXE] = f_exe;
      io[R_REND] = rend;
      if (slot < 0) goto stop;
      int32_t entry = names[slot][idx];
      if (entry == 0) goto stop;
      if (!(rend_mask & (1u << rend))) goto stop;
      int32_t ref;
      if (!proc_find(f_pid, f_comm, f_exe, &ref)) goto stop;
      int32_t stat = (entry >> 2) - 1;
      int found = 1;
      uint32_t key = 0, cell = 0;
      if (ref != P_FILTERED) {
        if (stat < 0 || !(stat_mask[stat] & (1u << f_action)) || !arch_compat_ok[slot]) goto stop;
        if (ref >= 0) {
          key = ((uint32_t)ref << 12) | (uint32_t)stat;
          cell = cell_find(key, &found);
          if (!found) {
            st = ST_ODD;
            if (n_cell >= CELL_MAX) goto stop;
            st = ST_FLUSH;
            if (io[R_NEWCELLS] >= LOG_MAX) goto stop;
          }
        }
      }
      // the serial check (AuditParser.checkSerial): a gap or the first check goes to JS
      st = ST_ODD;
      if (sh_serial >= 0) {
        if (prev_rend == 0) goto stop;
        if (prev >= 0 && sh_serial > prev + 1 && prev_rend == rend) goto stop;
        if (pending && (sh_serial < late_below || sh_serial >= settle_at)) goto stop; // may fill or settle a pending gap
        if (sh_serial >= prev || prev_rend != rend) prev = sh_serial;
        else if (prev - sh_serial > 1000) prev = sh_serial;
        prev_rend = rend;
      }
      // settled: count it
      matched++;
      records++;
      if (entry & 2) exec = 1;
      if (ref == P_FILTERED) {
        filtered++;
      } else {
        stat_count[stat]++;
        stat_action[stat][f_action]++;
        arch_compat[slot][f_compat == 1 ? 0 : f_compat == 0 ? 1 : 2]++;
        if (ref >= 0) {
          if (!found) {
            n_cell++;
            cell_tab[cell][0] = key + 1;
            cell_log[io[R_NEWCELLS]++] = (int32_t)cell;
          }
          cell_tab[cell][1]++;
          proc_records[ref]++;
        } else if (ref == P_OVERFLOW) {
          overflow++;
        }
      }
      lines++;
      pos = le + 1;
      continue;
    }
    // another record type or a line that mentions audit (AuditParser.fastOther)
    // (line() reads such a line exactly as fastOther does when none of the markers is in it, triples or not)
    if (!plain_line && !no_marker(ls, le)) goto stop;
    {
      int32_t k = h;
      for (;;) {
        k = find_paren_stamp(k, le);
        if (k < 0) break;
        int32_t close = k + 6;
        while (close < le && buf[close] != ')') close++;
        if (close >= le) break;
        int32_t j = close + 1;
        while (j < le && is_space(buf[j])) j++;
        if (j < le && buf[j] == ':') {
          int64_t s = serial_of(k + 6, close);
          if (s < 0) goto stop;
          if (pending && (s < late_below || s >= settle_at)) goto stop; // may fill or settle a pending gap
          if (s > prev) prev = s;
          break;
        }
        k++;
      }
    }
    lines++;
    skipped++;
    pos = le + 1;
    continue;
  stop:
    status = st;
    io[R_LS] = ls;
    io[R_LE] = le;
    io[R_HIT] = h;
    break;
  }
  io[R_LINES] += lines;
  io[R_SKIPPED] += skipped;
  io[R_MATCHED] += matched;
  io[R_FILTERED] += filtered;
  io[R_RECORDS] += records;
  io[R_OVERFLOW] += overflow;
  io[R_EXEC] |= exec;
  io[R_PREV_REND] = prev_rend;
  io[R_STATUS] = status;
  serial_io[0] = (double)prev;
  return pos;
}
