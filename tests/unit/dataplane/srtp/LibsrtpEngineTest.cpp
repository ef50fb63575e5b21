// LibsrtpEngine (libsrtp2 + OpenSSL transforms) against stock libsrtp2 (its built-in NSS transforms), per profile:
// random RTP (12..1400 bytes, CSRCs, header extensions) and RTCP protected by one and unprotected by the other,
// byte-identical both ways; ROC wrap; reordering within the replay window; replays and too-old packets; tampering;
// truncation; wrong contexts.
//
// Stock and ours live in one process although the transform replacement is process-global: libsrtp2 binds the
// transforms to a session when the session is created, so LibsrtpReferenceSession swaps libsrtp2's own transforms into
// the kernel just while it creates its session and then reinstalls ours (see LibsrtpReferenceSession.hpp). Each test
// checks which transforms each side really runs.
#define BOOST_TEST_MODULE dataplane_srtp_libsrtp_engine
#include <algorithm>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "dataplane/srtp/LibsrtpEngine.hpp"
#include "dataplane/srtp/LibsrtpReferenceSession.hpp"
#include "dataplane/srtp/OpensslTransforms.hpp"
#include "tests/unit/dataplane/srtp/SrtpTestPackets.hpp"
#include "tests/unit/dataplane/srtp/UnprotectIntoCheck.hpp"

namespace portunus::dp {

std::ostream& operator<<(std::ostream& os, SrtpProfile profile) {
  return os << profileName(profile);
}
std::ostream& operator<<(std::ostream& os, SrtpStatus status) {
  return os << statusName(status);
}

namespace {

namespace bdata = boost::unit_test::data;
using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kRoom = 64;  // spare bytes after a packet for tag and SRTCP index

/** Both ends of one stream with both implementations: stock and ours, sender and receiver, same keys and SSRC. */
struct Pair {
  Pair(SrtpProfile profile, std::uint32_t ssrc_, std::uint32_t seed)
      : rng(seed),
        keys(test::randomKeys(profile, rng)),
        ssrc(ssrc_),
        stock_tx(keys, ssrc, SrtpDirection::Outbound),
        stock_rx(keys, ssrc, SrtpDirection::Inbound),
        our_tx(engine.createStream(keys, ssrc, SrtpDirection::Outbound)),
        our_rx(engine.createStream(keys, ssrc, SrtpDirection::Inbound)) {
    BOOST_REQUIRE(stock_tx.stock());
    BOOST_REQUIRE(stock_rx.stock());
    BOOST_REQUIRE(openssl::opensslTransformsRegistered());  // ours again after the reference sessions were made
    BOOST_REQUIRE(std::string(currentLibsrtpCipherDescription(profile)).find("OpenSSL") != std::string::npos);
  }

  /** Ours: one op over a copy with room to grow. */
  SrtpStatus ourProtect(Bytes& packet, bool rtcp) { return run(our_tx.get(), packet, rtcp, true); }
  SrtpStatus ourUnprotect(Bytes& packet, bool rtcp) { return run(our_rx.get(), packet, rtcp, false); }

  SrtpStatus run(SrtpStreamContext* ctx, Bytes& packet, bool rtcp, bool protect) {
    const auto len = static_cast<std::uint32_t>(packet.size());
    packet.resize(packet.size() + kRoom);
    SrtpOp op{packet.data(), len, static_cast<std::uint32_t>(packet.size()), ctx, rtcp, SrtpStatus::CipherFail};
    protect ? engine.protect(&op, 1) : engine.unprotect(&op, 1);
    packet.resize(op.len);
    return op.status;
  }

  srtp_err_status_t stockProtect(Bytes& packet, bool rtcp) {
    int len = static_cast<int>(packet.size());
    packet.resize(packet.size() + kRoom);
    const auto status = stock_tx.protect(packet.data(), len, rtcp);
    packet.resize(static_cast<std::size_t>(len));
    return status;
  }
  srtp_err_status_t stockUnprotect(Bytes& packet, bool rtcp) {
    int len = static_cast<int>(packet.size());
    const auto status = stock_rx.unprotect(packet.data(), len, rtcp);
    packet.resize(static_cast<std::size_t>(len));
    return status;
  }

  std::mt19937 rng;
  SrtpKeyMaterial keys;
  std::uint32_t ssrc;
  LibsrtpReferenceSession stock_tx;
  LibsrtpReferenceSession stock_rx;
  LibsrtpEngine engine;
  std::unique_ptr<SrtpStreamContext> our_tx;
  std::unique_ptr<SrtpStreamContext> our_rx;
};

/** Protects `plain` with stock and with ours (in bursts of up to 32), checks both outputs are identical and that each
 *  side unprotects the other's output back to the plain packet. */
void checkEquivalence(Pair& pair, const std::vector<Bytes>& plain, bool rtcp) {
  std::vector<Bytes> stock_out(plain);
  for (auto& packet : stock_out)
    BOOST_REQUIRE(pair.stockProtect(packet, rtcp) == srtp_err_status_ok);

  std::vector<Bytes> our_out(plain);
  for (std::size_t start = 0; start < our_out.size(); start += 32) {
    const std::size_t count = std::min<std::size_t>(32, our_out.size() - start);
    std::vector<SrtpOp> ops(count);
    for (std::size_t i = 0; i < count; ++i) {
      Bytes& packet = our_out[start + i];
      const auto len = static_cast<std::uint32_t>(packet.size());
      packet.resize(packet.size() + kRoom);
      ops[i] = SrtpOp{packet.data(),     len,  static_cast<std::uint32_t>(packet.size()),
                      pair.our_tx.get(), rtcp, SrtpStatus::CipherFail};
    }
    pair.engine.protect(ops.data(), static_cast<std::uint16_t>(count));
    for (std::size_t i = 0; i < count; ++i) {
      BOOST_REQUIRE_EQUAL(ops[i].status, SrtpStatus::Ok);
      BOOST_REQUIRE_EQUAL(ops[i].len, plain[start + i].size() + srtpOverhead(pair.keys.profile, rtcp));
      our_out[start + i].resize(ops[i].len);
    }
  }

  std::size_t identical = 0;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    BOOST_TEST_CONTEXT("packet " << i << " of " << plain[i].size() << " bytes") {
      BOOST_TEST(our_out[i] == stock_out[i]);
      identical += our_out[i] == stock_out[i] ? 1 : 0;

      Bytes by_ours = stock_out[i];
      BOOST_TEST(pair.ourUnprotect(by_ours, rtcp) == SrtpStatus::Ok);
      BOOST_TEST(by_ours == plain[i]);

      Bytes by_stock = our_out[i];
      BOOST_TEST(pair.stockUnprotect(by_stock, rtcp) == srtp_err_status_ok);
      BOOST_TEST(by_stock == plain[i]);
    }
  }
  BOOST_TEST(identical == plain.size());
}

BOOST_DATA_TEST_CASE(rtp_is_byte_identical_to_stock_libsrtp2, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x11223344, 1000 + static_cast<unsigned>(profile));
  std::vector<Bytes> plain;
  auto seq = static_cast<std::uint16_t>(pair.rng());
  for (int i = 0; i < 400; ++i) {
    const std::size_t length = i < 2 ? 12 + 1388 * i : 12 + pair.rng() % (1400 - 12 + 1);  // 12 and 1400 included
    plain.push_back(test::makeRtp(pair.rng, pair.ssrc, seq++, length));
  }
  checkEquivalence(pair, plain, false);
}

BOOST_DATA_TEST_CASE(rtcp_is_byte_identical_to_stock_libsrtp2, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0xcafe0001, 2000 + static_cast<unsigned>(profile));
  std::vector<Bytes> plain;
  for (int i = 0; i < 200; ++i)
    plain.push_back(test::makeRtcp(pair.rng, pair.ssrc, 8 + 4 * (pair.rng() % 349)));
  checkEquivalence(pair, plain, true);
}

BOOST_DATA_TEST_CASE(unprotect_into_another_buffer_leaves_the_ciphertext_and_checks_like_in_place,
                     bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x1a2b3c4d, 9500 + static_cast<unsigned>(profile));
  test::checkUnprotectInto(pair, pair.engine);
}

BOOST_DATA_TEST_CASE(roc_wraps_at_seq_65535_like_stock, bdata::make(test::kAllProfiles), profile) {
  // Two wraps: the IV and (for CM) the authenticated ROC change at each; equality with stock proves ROC = 1, 2.
  Pair pair(profile, 0x0badf00d, 3000 + static_cast<unsigned>(profile));
  // Packet indices (ROC << 16 | SEQ): one by one across the first wrap, forward in steps below 2^15 (so both ends
  // keep estimating the ROC right), then one by one across the second wrap.
  std::vector<std::uint32_t> indices;
  for (std::uint32_t index = 65500; index < 65640; ++index)
    indices.push_back(index);
  for (std::uint32_t index = 85640; index < 131000; index += 20000)
    indices.push_back(index);
  for (std::uint32_t index = 131000; index < 131140; ++index)
    indices.push_back(index);
  std::vector<Bytes> plain;
  for (std::uint32_t index : indices) {
    plain.push_back(test::makeRtp(pair.rng, pair.ssrc, static_cast<std::uint16_t>(index), 12 + pair.rng() % 200));
  }
  checkEquivalence(pair, plain, false);
}

BOOST_DATA_TEST_CASE(reordering_within_the_window_is_accepted_and_replays_are_rejected, bdata::make(test::kAllProfiles),
                     profile) {
  Pair pair(profile, 0x5eed0001, 4000 + static_cast<unsigned>(profile));
  std::vector<Bytes> protected_packets;
  std::uint16_t seq = 65000;  // crosses the wrap too
  for (int i = 0; i < 1200; ++i) {
    Bytes packet = test::makeRtp(pair.rng, pair.ssrc, seq++, 100);
    BOOST_REQUIRE(pair.ourProtect(packet, false) == SrtpStatus::Ok);
    protected_packets.push_back(packet);
  }
  // The same receive events go to ours and to stock; both must give the expected drop reason.
  struct Event {
    std::size_t packet;
    SrtpStatus expected;
  };
  std::vector<Event> events;
  std::vector<std::size_t> order(64);  // 0..63 shuffled: all accepted; then each again: duplicates
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), pair.rng);
  for (std::size_t i : order)
    events.push_back({i, SrtpStatus::Ok});
  for (std::size_t i : order)
    events.push_back({i, SrtpStatus::ReplayDup});
  // Newest 1199: 1199 - 1023 = 176 is the oldest index still inside the 1024-packet window.
  events.push_back({1199, SrtpStatus::Ok});
  for (std::size_t i : {176, 600, 1198})
    events.push_back({i, SrtpStatus::Ok});
  for (std::size_t i : {64, 174, 175})
    events.push_back({i, SrtpStatus::ReplayOld});
  events.push_back({1199, SrtpStatus::ReplayDup});
  events.push_back({176, SrtpStatus::ReplayDup});

  for (const auto& event : events) {
    BOOST_TEST_CONTEXT("packet " << event.packet << " expecting " << event.expected) {
      Bytes ours = protected_packets[event.packet];
      BOOST_TEST(pair.ourUnprotect(ours, false) == event.expected);
      Bytes stock = protected_packets[event.packet];
      BOOST_TEST(toSrtpStatus(pair.stockUnprotect(stock, false)) == event.expected);
    }
  }
}

BOOST_DATA_TEST_CASE(srtcp_replays_are_rejected, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x5eed0002, 5000 + static_cast<unsigned>(profile));
  std::vector<Bytes> protected_packets;
  for (int i = 0; i < 200; ++i) {
    Bytes packet = test::makeRtcp(pair.rng, pair.ssrc, 52);
    BOOST_REQUIRE(pair.ourProtect(packet, true) == SrtpStatus::Ok);
    // E bit set and the SRTCP index counting from 1 (RFC 3711 §3.4): before the tag for AES-CM, after it for AEAD
    // (RFC 7714 §17).
    const bool aead = profile == SrtpProfile::AeadAes128Gcm || profile == SrtpProfile::AeadAes256Gcm;
    const std::size_t at = packet.size() - 4 - (aead ? 0 : srtpTagLength(profile, true));
    const std::uint32_t e_index =
        static_cast<std::uint32_t>(packet[at]) << 24 | packet[at + 1] << 16 | packet[at + 2] << 8 | packet[at + 3];
    BOOST_TEST(e_index == (0x80000000U | static_cast<std::uint32_t>(i + 1)));
    protected_packets.push_back(packet);
  }
  Bytes packet = protected_packets[199];
  BOOST_TEST(pair.ourUnprotect(packet, true) == SrtpStatus::Ok);
  packet = protected_packets[199];
  BOOST_TEST(pair.ourUnprotect(packet, true) == SrtpStatus::ReplayDup);
  packet = protected_packets[150];  // within libsrtp's fixed 128-packet SRTCP window
  BOOST_TEST(pair.ourUnprotect(packet, true) == SrtpStatus::Ok);
  packet = protected_packets[10];
  BOOST_TEST(pair.ourUnprotect(packet, true) == SrtpStatus::ReplayOld);
}

BOOST_DATA_TEST_CASE(tampered_packets_fail_authentication, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x7a3e0001, 6000 + static_cast<unsigned>(profile));
  for (bool rtcp : {false, true}) {
    const Bytes plain = rtcp ? test::makeRtcp(pair.rng, pair.ssrc, 100) : test::makeRtp(pair.rng, pair.ssrc, 7, 100);
    Bytes protected_packet = plain;
    BOOST_REQUIRE(pair.ourProtect(protected_packet, rtcp) == SrtpStatus::Ok);
    const std::size_t last = protected_packet.size() - 1;
    // A timestamp / RTCP packet-type bit, a payload bit, the first tag byte, the last byte (tag, or the SRTCP index
    // that follows the tag with AEAD, RFC 7714 §17).
    const bool aead = profile == SrtpProfile::AeadAes128Gcm || profile == SrtpProfile::AeadAes256Gcm;
    const std::size_t tag_at = protected_packet.size() - srtpTagLength(profile, rtcp) - (rtcp && aead ? 4 : 0);
    for (std::size_t at : {std::size_t{rtcp ? 1U : 5U}, std::size_t{40}, tag_at, last}) {
      Bytes packet = protected_packet;
      packet[at] ^= 0x20;
      BOOST_TEST(pair.ourUnprotect(packet, rtcp) == SrtpStatus::AuthFail, (rtcp ? "rtcp" : "rtp") << " byte " << at);
      BOOST_TEST(packet.size() == protected_packet.size());  // length untouched on a drop
    }
    Bytes intact = protected_packet;
    BOOST_TEST(pair.ourUnprotect(intact, rtcp) == SrtpStatus::Ok);  // a failed tag did not poison the window
    BOOST_TEST(intact == plain);
  }
}

BOOST_DATA_TEST_CASE(truncated_and_malformed_packets_are_dropped_never_crash, bdata::make(test::kAllProfiles),
                     profile) {
  Pair pair(profile, 0x7a3e0002, 7000 + static_cast<unsigned>(profile));
  for (bool rtcp : {false, true}) {
    Bytes packet = rtcp ? test::makeRtcp(pair.rng, pair.ssrc, 120) : test::makeRtp(pair.rng, pair.ssrc, 9, 120);
    if (!rtcp) packet[0] = 0x9f;                      // 15 CSRCs and an extension header...
    if (!rtcp) packet[74] = 0x00, packet[75] = 0x02;  // ...of 2 words: header = 12 + 60 + 12 = 84 bytes
    BOOST_REQUIRE(pair.ourProtect(packet, rtcp) == SrtpStatus::Ok);
    const std::size_t header_and_tag = (rtcp ? 8 + 4 : 12) + srtpTagLength(profile, rtcp);
    for (std::size_t length = 0; length < packet.size(); ++length) {
      Bytes truncated(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(length));
      const SrtpStatus status = pair.ourUnprotect(truncated, rtcp);
      BOOST_TEST_CONTEXT((rtcp ? "rtcp" : "rtp") << " truncated to " << length) {
        if (length < header_and_tag) {
          BOOST_TEST(status == SrtpStatus::BadLength);
        } else {
          BOOST_TEST((status == SrtpStatus::BadLength || status == SrtpStatus::AuthFail), status);
        }
      }
    }
  }
  // Protect side: a header longer than the packet, or no room for the tag.
  Bytes plain = test::makeRtp(pair.rng, pair.ssrc, 11, 40);
  plain[0] = 0x8f;  // 15 CSRCs need 72 bytes
  Bytes copy = plain;
  BOOST_TEST(pair.ourProtect(copy, false) == SrtpStatus::BadLength);
  for (std::uint32_t length : {0U, 7U, 11U}) {
    Bytes tiny(64, 0x80);
    SrtpOp op{tiny.data(), length, 64, pair.our_tx.get(), length == 7, SrtpStatus::Ok};
    pair.engine.protect(&op, 1);
    BOOST_TEST(op.status == SrtpStatus::BadLength, "length " << length);
    BOOST_TEST(op.len == length);
  }
  const std::uint32_t overhead = static_cast<std::uint32_t>(srtpOverhead(profile, false));
  Bytes room = test::makeRtp(pair.rng, pair.ssrc, 12, 100);
  room.resize(100 + overhead, 0xee);  // the buffer holds exactly the protected packet
  const Bytes before = room;
  SrtpOp op{room.data(), 100, 100 + overhead - 1, pair.our_tx.get(), false, SrtpStatus::Ok};
  pair.engine.protect(&op, 1);
  BOOST_TEST(op.status == SrtpStatus::BadLength);
  BOOST_TEST(op.len == 100U);
  BOOST_TEST(room == before);  // untouched
  op.capacity = 100 + overhead;
  pair.engine.protect(&op, 1);
  BOOST_TEST(op.status == SrtpStatus::Ok);
  BOOST_TEST(op.len == 100 + overhead);
}

BOOST_DATA_TEST_CASE(random_garbage_is_never_accepted, bdata::make(test::kAllProfiles), profile) {
  // Random bytes of random length (0..1500) carrying the context's SSRC, so they reach libsrtp2's parsing and the
  // transforms: every one is dropped with a named reason and its length left alone.
  Pair pair(profile, 0x9a4ba6e0, 11000 + static_cast<unsigned>(profile));
  for (int i = 0; i < 3000; ++i) {
    const bool rtcp = i % 2 == 1;
    Bytes packet(pair.rng() % 1501);
    for (auto& byte : packet)
      byte = static_cast<std::uint8_t>(pair.rng());
    const std::size_t ssrc_at = rtcp ? 4 : 8;
    if (packet.size() >= ssrc_at + 4) {
      for (std::size_t b = 0; b < 4; ++b)
        packet[ssrc_at + b] = static_cast<std::uint8_t>(pair.ssrc >> (24 - 8 * b));
    }
    const std::size_t length = packet.size();
    const SrtpStatus status = pair.ourUnprotect(packet, rtcp);
    BOOST_TEST(status != SrtpStatus::Ok, "packet " << i);
    BOOST_TEST(packet.size() == length, "packet " << i);
  }
}

BOOST_DATA_TEST_CASE(outbound_streams_may_resend_a_sequence_number, bdata::make(test::kAllProfiles), profile) {
  // NACK retransmission without RTX: the same packet protected again must give the same bytes (same index).
  Pair pair(profile, 0x4e41434b, 8000 + static_cast<unsigned>(profile));
  const Bytes plain = test::makeRtp(pair.rng, pair.ssrc, 500, 300);
  Bytes first = plain;
  BOOST_REQUIRE(pair.ourProtect(first, false) == SrtpStatus::Ok);
  for (int i = 0; i < 10; ++i) {
    Bytes later = test::makeRtp(pair.rng, pair.ssrc, static_cast<std::uint16_t>(501 + i), 300);
    BOOST_REQUIRE(pair.ourProtect(later, false) == SrtpStatus::Ok);
  }
  Bytes again = plain;
  BOOST_TEST(pair.ourProtect(again, false) == SrtpStatus::Ok);
  BOOST_TEST(again == first);
  Bytes stock_again = plain;
  BOOST_TEST(pair.stockProtect(stock_again, false) == srtp_err_status_ok);
  BOOST_TEST(stock_again == first);
}

BOOST_AUTO_TEST_CASE(ops_without_a_matching_context_are_dropped) {
  Pair pair(SrtpProfile::AeadAes128Gcm, 0x00000001, 9000);
  Bytes packet = test::makeRtp(pair.rng, pair.ssrc, 1, 100);
  packet.resize(200);
  struct Row {
    const char* what;
    SrtpStreamContext* ctx;
    std::uint32_t packet_ssrc;
    bool protect;
  };
  const Row rows[] = {
      {"no context", nullptr, 1, true},
      {"inbound context for protect", pair.our_rx.get(), 1, true},
      {"outbound context for unprotect", pair.our_tx.get(), 1, false},
      {"SSRC other than the context's (protect)", pair.our_tx.get(), 2, true},
      {"SSRC other than the context's (unprotect)", pair.our_rx.get(), 2, false},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.what) {
      Bytes copy = packet;
      copy[11] = static_cast<std::uint8_t>(row.packet_ssrc);
      SrtpOp op{copy.data(), 100, 200, row.ctx, false, SrtpStatus::Ok};
      row.protect ? pair.engine.protect(&op, 1) : pair.engine.unprotect(&op, 1);
      BOOST_TEST(op.status == SrtpStatus::NoContext);
      BOOST_TEST(op.len == 100U);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_burst_mixes_streams_profiles_and_outcomes) {
  LibsrtpEngine engine;
  std::mt19937 rng(10000);
  std::vector<std::unique_ptr<SrtpStreamContext>> tx;
  std::vector<std::unique_ptr<SrtpStreamContext>> rx;
  for (std::size_t i = 0; i < std::size(test::kAllProfiles); ++i) {
    const auto keys = test::randomKeys(test::kAllProfiles[i], rng);
    tx.push_back(engine.createStream(keys, 100 + static_cast<std::uint32_t>(i), SrtpDirection::Outbound));
    rx.push_back(engine.createStream(keys, 100 + static_cast<std::uint32_t>(i), SrtpDirection::Inbound));
    BOOST_TEST(tx.back()->profile() == test::kAllProfiles[i]);
    BOOST_TEST(tx.back()->ssrc() == 100 + i);
    BOOST_TEST((rx.back()->direction() == SrtpDirection::Inbound));
  }
  std::vector<Bytes> buffers;
  std::vector<Bytes> plain;
  std::vector<SrtpOp> ops;
  for (int i = 0; i < 32; ++i) {
    const std::size_t stream = static_cast<std::size_t>(i) % tx.size();
    const bool rtcp = i % 3 == 0;
    Bytes packet = rtcp ? test::makeRtcp(rng, 100 + static_cast<std::uint32_t>(stream), 64)
                        : test::makeRtp(rng, 100 + static_cast<std::uint32_t>(stream), static_cast<std::uint16_t>(i),
                                        64 + static_cast<std::size_t>(i));
    plain.push_back(packet);
    packet.resize(packet.size() + kRoom);
    buffers.push_back(std::move(packet));
  }
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    ops.push_back(SrtpOp{buffers[i].data(), static_cast<std::uint32_t>(plain[i].size()),
                         static_cast<std::uint32_t>(buffers[i].size()), tx[i % tx.size()].get(), i % 3 == 0,
                         SrtpStatus::CipherFail});
  }
  engine.protect(ops.data(), static_cast<std::uint16_t>(ops.size()));
  for (auto& op : ops) {
    BOOST_TEST(op.status == SrtpStatus::Ok);
    op.ctx = rx[static_cast<std::size_t>(&op - ops.data()) % rx.size()].get();
  }
  ops[5].data[ops[5].len - 1] ^= 1;  // one tampered packet in the middle of the burst
  engine.unprotect(ops.data(), static_cast<std::uint16_t>(ops.size()));
  for (std::size_t i = 0; i < ops.size(); ++i) {
    BOOST_TEST_CONTEXT("op " << i) {
      if (i == 5) {
        BOOST_TEST(ops[i].status == SrtpStatus::AuthFail);
      } else {
        BOOST_TEST(ops[i].status == SrtpStatus::Ok);
        BOOST_TEST(Bytes(ops[i].data, ops[i].data + ops[i].len) == plain[i]);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(unsupported_profiles_are_refused_on_the_control_side) {
  LibsrtpEngine engine;
  SrtpKeyMaterial keys;
  keys.profile = static_cast<SrtpProfile>(5);  // SRTP_NULL_SHA1_80: never negotiated by us
  BOOST_CHECK_THROW(engine.createStream(keys, 1, SrtpDirection::Inbound), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(replay_window_outside_libsrtp_bounds_is_refused) {
  for (std::uint32_t window : {0U, 63U, 0x8000U}) {
    BOOST_CHECK_THROW(LibsrtpEngine(LibsrtpEngine::Options{window}), std::invalid_argument);
  }
  LibsrtpEngine engine(LibsrtpEngine::Options{64});
  BOOST_TEST(engine.name() == "libsrtp2-openssl");
}

}  // namespace
}  // namespace portunus::dp
