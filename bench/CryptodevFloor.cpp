// cryptodev-floor: intel-ipsec-mb's direct job API against DPDK's crypto_aesni_mb cryptodev (the same library behind
// rte_cryptodev), one core, bursts of 32, the two SRTP transforms without SRTP framing: AES-GCM-128 (16-byte tag,
// 12-byte AAD = an RTP header) and AES-CTR-128 + HMAC-SHA1 (10-byte tag), at 200 B and 1200 B. A benchmark, not a
// test; it tells which way IpsecMbEngine should drive the library (DESIGN §5).
// Rates are per CPU-second of the measuring thread (the machine's CPUs are shared).
// Prints one line per case:
//   crypto-floor <job-api|cryptodev>/<aes-gcm-128|aes-cm-sha1-80> <size>B burst=32: <ops> ops/s
// Usage: cryptodev-floor [seconds per measurement, default 0.5]
#include <intel-ipsec-mb.h>
#include <rte_crypto.h>
#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr unsigned kBurst = 32;
constexpr unsigned kRtpHeader = 12;
constexpr std::uint16_t kIvOffset = sizeof(rte_crypto_op) + sizeof(rte_crypto_sym_op);

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/** Runs `burst` (which processes kBurst packets) until `seconds` of this thread's CPU; returns packets/s. */
template <typename Fn>
double measure(double seconds, Fn&& burst) {
  for (int i = 0; i < 64; ++i)
    burst();  // warm-up
  std::uint64_t done = 0;
  const double start = threadCpuSeconds();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 16; ++i)
      burst();
    done += 16 * kBurst;
    elapsed = threadCpuSeconds() - start;
  }
  return static_cast<double>(done) / elapsed;
}

struct Keys {
  std::uint8_t key[16];
  alignas(16) std::uint32_t enc[60];
  alignas(16) std::uint32_t dec[60];
  alignas(16) std::uint8_t ipad[32];
  alignas(16) std::uint8_t opad[32];
  gcm_key_data gcm;
  std::uint8_t auth_key[20];
};

/** The direct job API: one manager, a burst of jobs submitted, then flushed (as IpsecMbEngine does). */
double jobApi(IMB_MGR* mgr, const Keys& k, bool gcm, std::size_t size, double seconds) {
  std::vector<std::uint8_t> buf(kBurst * 2048);
  std::uint8_t ivs[kBurst][16] = {};
  std::uint8_t tags[kBurst][20];
  auto fill = [&](IMB_JOB* job, unsigned i) {
    std::uint8_t* p = buf.data() + 2048 * i;
    job->src = p;
    job->dst = p + kRtpHeader;
    job->cipher_start_src_offset_in_bytes = kRtpHeader;
    job->msg_len_to_cipher_in_bytes = size - kRtpHeader;
    job->cipher_direction = IMB_DIR_ENCRYPT;
    job->chain_order = IMB_ORDER_CIPHER_HASH;
    job->key_len_in_bytes = IMB_KEY_128_BYTES;
    job->iv = ivs[i];
    job->auth_tag_output = tags[i];
    if (gcm) {
      job->cipher_mode = IMB_CIPHER_GCM;
      job->enc_keys = &k.gcm;
      job->dec_keys = &k.gcm;
      job->iv_len_in_bytes = 12;
      job->hash_alg = IMB_AUTH_AES_GMAC;
      job->hash_start_src_offset_in_bytes = kRtpHeader;
      job->msg_len_to_hash_in_bytes = size - kRtpHeader;
      job->u.GCM.aad = p;
      job->u.GCM.aad_len_in_bytes = kRtpHeader;
      job->auth_tag_output_len_in_bytes = 16;
    } else {
      job->cipher_mode = IMB_CIPHER_CNTR;
      job->enc_keys = k.enc;
      job->dec_keys = k.enc;
      job->iv_len_in_bytes = 16;
      job->hash_alg = IMB_AUTH_HMAC_SHA_1;
      job->hash_start_src_offset_in_bytes = 0;
      job->msg_len_to_hash_in_bytes = size;
      job->u.HMAC._hashed_auth_key_xor_ipad = k.ipad;
      job->u.HMAC._hashed_auth_key_xor_opad = k.opad;
      job->auth_tag_output_len_in_bytes = 20;
    }
  };
  return measure(seconds, [&] {
    unsigned completed = 0;
    for (unsigned i = 0; i < kBurst; ++i) {
      IMB_JOB* job = IMB_GET_NEXT_JOB(mgr);
      fill(job, i);
      ivs[i][15] = static_cast<std::uint8_t>(ivs[i][15] + 1);
      for (IMB_JOB* done = IMB_SUBMIT_JOB(mgr); done != nullptr; done = IMB_GET_COMPLETED_JOB(mgr)) {
        if (done->status != IMB_STATUS_COMPLETED) std::abort();
        ++completed;
      }
    }
    for (IMB_JOB* done = IMB_FLUSH_JOB(mgr); done != nullptr; done = IMB_FLUSH_JOB(mgr)) {
      if (done->status != IMB_STATUS_COMPLETED) std::abort();
      ++completed;
    }
    if (completed != kBurst) std::abort();
  });
}

/** DPDK's crypto_aesni_mb: a session per transform, rte_crypto_ops from a pool, enqueue/dequeue bursts of 32. */
double cryptodev(std::uint8_t dev, rte_mempool* sess_pool, rte_mempool* op_pool, rte_mempool* mbuf_pool, const Keys& k,
                 bool gcm, std::size_t size, double seconds) {
  rte_crypto_sym_xform aead{};
  rte_crypto_sym_xform cipher{};
  rte_crypto_sym_xform auth{};
  rte_crypto_sym_xform* xform = nullptr;
  if (gcm) {
    aead.type = RTE_CRYPTO_SYM_XFORM_AEAD;
    aead.aead.op = RTE_CRYPTO_AEAD_OP_ENCRYPT;
    aead.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
    aead.aead.key.data = k.key;
    aead.aead.key.length = 16;
    aead.aead.iv.offset = kIvOffset;
    aead.aead.iv.length = 12;
    aead.aead.digest_length = 16;
    aead.aead.aad_length = kRtpHeader;
    xform = &aead;
  } else {
    cipher.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
    cipher.cipher.op = RTE_CRYPTO_CIPHER_OP_ENCRYPT;
    cipher.cipher.algo = RTE_CRYPTO_CIPHER_AES_CTR;
    cipher.cipher.key.data = k.key;
    cipher.cipher.key.length = 16;
    cipher.cipher.iv.offset = kIvOffset;
    cipher.cipher.iv.length = 16;
    cipher.next = &auth;
    auth.type = RTE_CRYPTO_SYM_XFORM_AUTH;
    auth.auth.op = RTE_CRYPTO_AUTH_OP_GENERATE;
    auth.auth.algo = RTE_CRYPTO_AUTH_SHA1_HMAC;
    auth.auth.key.data = k.auth_key;
    auth.auth.key.length = 20;
    auth.auth.digest_length = 10;
    xform = &cipher;
  }
  void* sess = rte_cryptodev_sym_session_create(dev, xform, sess_pool);
  if (sess == nullptr) {
    std::fprintf(stderr, "cryptodev: session create failed (rte_errno %d)\n", rte_errno);
    return 0;
  }
  rte_mbuf* mbufs[kBurst];
  if (rte_pktmbuf_alloc_bulk(mbuf_pool, mbufs, kBurst) != 0) std::abort();
  for (auto* m : mbufs) {
    std::memset(rte_pktmbuf_mtod(m, void*), 0x5a, size + 16);
    m->data_len = m->pkt_len = static_cast<std::uint32_t>(size + 16);  // room for the tag after the payload
  }
  rte_crypto_op* ops[kBurst];
  rte_crypto_op* done[kBurst];
  std::uint32_t counter = 0;
  const double rate = measure(seconds, [&] {
    if (rte_crypto_op_bulk_alloc(op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops, kBurst) != kBurst) std::abort();
    for (unsigned i = 0; i < kBurst; ++i) {
      rte_crypto_op* op = ops[i];
      rte_crypto_sym_op* sym = op->sym;
      rte_mbuf* m = mbufs[i];
      std::uint8_t* p = rte_pktmbuf_mtod(m, std::uint8_t*);
      std::uint8_t* iv = rte_crypto_op_ctod_offset(op, std::uint8_t*, kIvOffset);
      std::memset(iv, 0, 16);
      std::memcpy(iv + 8, &++counter, sizeof counter);
      rte_crypto_op_attach_sym_session(op, sess);
      sym->m_src = m;
      if (gcm) {
        sym->aead.data.offset = kRtpHeader;
        sym->aead.data.length = static_cast<std::uint32_t>(size - kRtpHeader);
        sym->aead.digest.data = p + size;
        sym->aead.digest.phys_addr = rte_pktmbuf_iova_offset(m, size);
        sym->aead.aad.data = p;
        sym->aead.aad.phys_addr = rte_pktmbuf_iova(m);
      } else {
        sym->cipher.data.offset = kRtpHeader;
        sym->cipher.data.length = static_cast<std::uint32_t>(size - kRtpHeader);
        sym->auth.data.offset = 0;
        sym->auth.data.length = static_cast<std::uint32_t>(size);
        sym->auth.digest.data = p + size;
        sym->auth.digest.phys_addr = rte_pktmbuf_iova_offset(m, size);
      }
    }
    unsigned enq = 0, deq = 0;
    while (enq < kBurst)
      enq += rte_cryptodev_enqueue_burst(dev, 0, ops + enq, static_cast<std::uint16_t>(kBurst - enq));
    while (deq < kBurst)
      deq += rte_cryptodev_dequeue_burst(dev, 0, done + deq, static_cast<std::uint16_t>(kBurst - deq));
    for (unsigned i = 0; i < kBurst; ++i)
      if (done[i]->status != RTE_CRYPTO_OP_STATUS_SUCCESS) std::abort();
    rte_mempool_put_bulk(op_pool, reinterpret_cast<void**>(done), kBurst);
  });
  rte_pktmbuf_free_bulk(mbufs, kBurst);
  rte_cryptodev_sym_session_free(dev, sess);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  const std::string prefix = "--file-prefix=pdpcdev" + std::to_string(getpid());
  std::vector<std::string> args{
      "cryptodev-floor", "--no-pci",     "--no-huge",           "-m",   "256",
      "--no-shconf",     "--lcores=0@0", "--log-level=*:error", prefix, "--vdev=crypto_aesni_mb0"};
  std::vector<char*> eal_argv;
  for (auto& a : args)
    eal_argv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "rte_eal_init failed\n");
    return 1;
  }
  const int dev_id = rte_cryptodev_get_dev_id("crypto_aesni_mb0");
  if (dev_id < 0) {
    std::fprintf(stderr, "no crypto_aesni_mb device (is librte_crypto_ipsec_mb installed?)\n");
    return 1;
  }
  const auto dev = static_cast<std::uint8_t>(dev_id);
  rte_cryptodev_config conf{};
  conf.socket_id = static_cast<int>(rte_socket_id());
  conf.nb_queue_pairs = 1;
  rte_mempool* sess_pool = rte_cryptodev_sym_session_pool_create(
      "pdp_sess", 16, rte_cryptodev_sym_get_private_session_size(dev), 0, 0, conf.socket_id);
  rte_mempool* op_pool =
      rte_crypto_op_pool_create("pdp_ops", RTE_CRYPTO_OP_TYPE_SYMMETRIC, 1023, 64, 16, conf.socket_id);
  rte_mempool* mbuf_pool = rte_pktmbuf_pool_create("pdp_mbufs", 255, 0, 0, 2048 + 128, conf.socket_id);
  rte_cryptodev_qp_conf qp{};
  qp.nb_descriptors = 256;
  qp.mp_session = sess_pool;
  if (!sess_pool || !op_pool || !mbuf_pool || rte_cryptodev_configure(dev, &conf) != 0 ||
      rte_cryptodev_queue_pair_setup(dev, 0, &qp, conf.socket_id) != 0 || rte_cryptodev_start(dev) != 0) {
    std::fprintf(stderr, "cannot set up crypto_aesni_mb0\n");
    return 1;
  }

  IMB_MGR* mgr = alloc_mb_mgr(0);
  IMB_ARCH arch = IMB_ARCH_NONE;
  init_mb_mgr_auto(mgr, &arch);
  Keys k{};
  for (unsigned i = 0; i < 16; ++i)
    k.key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  for (unsigned i = 0; i < 20; ++i)
    k.auth_key[i] = static_cast<std::uint8_t>(i * 5 + 3);
  IMB_AES_KEYEXP_128(mgr, k.key, k.enc, k.dec);
  IMB_AES128_GCM_PRE(mgr, k.key, &k.gcm);
  std::uint8_t block[64];  // HMAC-SHA1: the hash states after (key ^ ipad) and (key ^ opad)
  std::memset(block, 0x36, sizeof block);
  for (unsigned i = 0; i < 20; ++i)
    block[i] ^= k.auth_key[i];
  IMB_SHA1_ONE_BLOCK(mgr, block, k.ipad);
  std::memset(block, 0x5c, sizeof block);
  for (unsigned i = 0; i < 20; ++i)
    block[i] ^= k.auth_key[i];
  IMB_SHA1_ONE_BLOCK(mgr, block, k.opad);

  for (const bool gcm : {true, false}) {
    for (const std::size_t size : {200u, 1200u}) {
      const char* name = gcm ? "aes-gcm-128" : "aes-cm-sha1-80";
      const double direct = jobApi(mgr, k, gcm, size, seconds);
      const double dev_rate = cryptodev(dev, sess_pool, op_pool, mbuf_pool, k, gcm, size, seconds);
      std::printf("crypto-floor job-api/%s %zuB burst=%u: %.0f ops/s\n", name, size, kBurst, direct);
      std::printf("crypto-floor cryptodev/%s %zuB burst=%u: %.0f ops/s\n", name, size, kBurst, dev_rate);
      std::fflush(stdout);
    }
  }
  free_mb_mgr(mgr);
  rte_cryptodev_stop(dev);
  rte_cryptodev_close(dev);
  rte_eal_cleanup();
  return 0;
}
