// Freeing mbufs in bulk the way a PMD with RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE does, for the ones that allow it, and
// taking them the way a vector rx PMD rearms its ring (allocMbufs).
// rte_pktmbuf_free_bulk checks each mbuf's `next` (rte_pktmbuf_prefree_seg), which this DPDK build keeps in the
// mbuf's second cache line, a line the worker otherwise never touches (allocation skips it, see Worker allocCopies).
// An mbuf that is direct, has refcnt 1 and one segment (all read from the first line) has a null `next` by the mbuf
// invariants and goes back to its pool as it is; any other takes rte_pktmbuf_free. (In the worker, whose mbufs here
// were just handled and are in cache, it measured the same as rte_pktmbuf_free_bulk; it is the form that stays cheap
// when they are not.)
#pragma once

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <cstdint>

namespace portunus::dp {

/** Whether `m` may go straight back to its pool: direct (no indirect or external buffer), one reference, one
 *  segment. */
inline bool plainMbuf(const rte_mbuf* m) noexcept {
  return rte_mbuf_refcnt_read(m) == 1 && m->nb_segs == 1 && RTE_MBUF_DIRECT(m);
}

/** Frees `n` mbufs: runs of plain mbufs of one pool in one rte_mempool_put_bulk each, any other one by one. */
inline void freeMbufs(rte_mbuf* const* m, unsigned n) noexcept {
  unsigned i = 0;
  while (i < n) {
    if (!plainMbuf(m[i])) {
      rte_pktmbuf_free(m[i]);
      ++i;
      continue;
    }
    rte_mempool* pool = m[i]->pool;
    unsigned end = i + 1;
    while (end < n && m[end]->pool == pool && plainMbuf(m[end]))
      ++end;
    rte_mempool_put_bulk(pool, reinterpret_cast<void* const*>(m + i), end - i);
    i = end;
  }
}

/** `n` mbufs of `pool` in `m`, all or none (false): as rte_pktmbuf_alloc_bulk leaves them (one segment, no data,
 *  no flags, headroom RTE_PKTMBUF_HEADROOM, `port`), without its reset's writes to the mbuf's second cache line, the
 *  way vector rx PMDs rearm their rings. A pooled mbuf's `next` is null already (rte_mbuf_raw_alloc's contract) and
 *  its refcnt 1; only the first line is written, none read. `pool`'s data room must be at least
 *  RTE_PKTMBUF_HEADROOM (the dataplane's: dataplane.mbuf_data_size >= 1024). */
inline bool allocMbufs(rte_mempool* pool, rte_mbuf** m, unsigned n, std::uint16_t port) noexcept {
  static_assert(RTE_PKTMBUF_HEADROOM <= 1024, "the smallest data room dataplane.mbuf_data_size allows");
  if (rte_mempool_get_bulk(pool, reinterpret_cast<void**>(m), n) != 0) return false;
  for (unsigned i = 0; i < n; ++i) {
    rte_mbuf* c = m[i];
    c->data_off = RTE_PKTMBUF_HEADROOM;
    c->nb_segs = 1;
    c->port = port;
    c->ol_flags = 0;
    c->packet_type = 0;
    c->pkt_len = 0;
    c->data_len = 0;
    c->vlan_tci = 0;
    c->vlan_tci_outer = 0;
  }
  return true;
}

}  // namespace portunus::dp
