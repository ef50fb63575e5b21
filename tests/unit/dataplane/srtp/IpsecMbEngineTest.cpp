// IpsecMbEngine (intel-ipsec-mb multi-buffer jobs, SRTP framing in our code) against stock libsrtp2 (its built-in NSS
// transforms) and the published vectors, per profile: random RTP (12..1400 bytes, CSRCs, header extensions) and RTCP
// protected by one and unprotected by the other, byte-identical both ways; bursts mixing streams and profiles; ROC
// wrap; reordering within the 1024-packet window; replays and too-old packets; tampering; truncation; wrong contexts;
// RFC 3711 B.3 key derivation and RFC 7714 §16/§17 packets through the engine.
#define BOOST_TEST_MODULE dataplane_srtp_ipsecmb_engine
#include <algorithm>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "dataplane/srtp/IpsecMbEngine.hpp"
#include "dataplane/srtp/IpsecMbStreamContext.hpp"
#include "dataplane/srtp/LibsrtpReferenceSession.hpp"
#include "dataplane/srtp/SrtpKeyDerivation.hpp"
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
using test::hex;
constexpr std::size_t kRoom = 64;  // spare bytes after a packet for tag and SRTCP index

bool isAead(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes128Gcm || profile == SrtpProfile::AeadAes256Gcm;
}

/** Runs `ops` through protect or unprotect of `engine`, in one call. */
void runBurst(IpsecMbEngine& engine, std::vector<SrtpOp>& ops, bool protect) {
  protect ? engine.protect(ops.data(), static_cast<std::uint16_t>(ops.size()))
          : engine.unprotect(ops.data(), static_cast<std::uint16_t>(ops.size()));
}

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
  }

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
  IpsecMbEngine engine;
  std::unique_ptr<SrtpStreamContext> our_tx;
  std::unique_ptr<SrtpStreamContext> our_rx;
};

/** Protects `plain` with stock and with ours (bursts of up to 32), checks both outputs are identical and that each
 *  side unprotects the other's output back to the plain packet (ours again in bursts). */
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
    runBurst(pair.engine, ops, true);
    for (std::size_t i = 0; i < count; ++i) {
      BOOST_REQUIRE_EQUAL(ops[i].status, SrtpStatus::Ok);
      BOOST_REQUIRE_EQUAL(ops[i].len, plain[start + i].size() + srtpOverhead(pair.keys.profile, rtcp));
      our_out[start + i].resize(ops[i].len);
    }
  }

  // Ours unprotects stock's packets in bursts of 32.
  std::vector<Bytes> by_ours(stock_out);
  for (std::size_t start = 0; start < by_ours.size(); start += 32) {
    const std::size_t count = std::min<std::size_t>(32, by_ours.size() - start);
    std::vector<SrtpOp> ops(count);
    for (std::size_t i = 0; i < count; ++i) {
      Bytes& packet = by_ours[start + i];
      ops[i] = SrtpOp{packet.data(),
                      static_cast<std::uint32_t>(packet.size()),
                      static_cast<std::uint32_t>(packet.size()),
                      pair.our_rx.get(),
                      rtcp,
                      SrtpStatus::CipherFail};
    }
    runBurst(pair.engine, ops, false);
    for (std::size_t i = 0; i < count; ++i) {
      BOOST_TEST(ops[i].status == SrtpStatus::Ok, "packet " << start + i);
      by_ours[start + i].resize(ops[i].len);
    }
  }

  std::size_t identical = 0;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    BOOST_TEST_CONTEXT("packet " << i << " of " << plain[i].size() << " bytes") {
      BOOST_TEST(our_out[i] == stock_out[i]);
      identical += our_out[i] == stock_out[i] ? 1 : 0;
      BOOST_TEST(by_ours[i] == plain[i]);

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
  plain.push_back(test::makeRtcp(pair.rng, pair.ssrc, 8));  // header only: nothing to encrypt
  for (int i = 0; i < 200; ++i)
    plain.push_back(test::makeRtcp(pair.rng, pair.ssrc, 8 + 4 * (pair.rng() % 349)));
  checkEquivalence(pair, plain, true);
}

BOOST_DATA_TEST_CASE(protect_from_a_source_buffer_is_byte_identical_to_stock, bdata::make(test::kAllProfiles),
                     profile) {
  // Fan-out: each receiver's buffer holds only the header, the body comes from the decrypted source (out of place
  // for GCM, copied for CM); a burst of 100 across one stream, packets of 12..1400 bytes.
  Pair pair(profile, 0x0f0f0f0f, 9000 + static_cast<unsigned>(profile));
  auto seq = static_cast<std::uint16_t>(pair.rng());
  std::vector<Bytes> plain, stock_out, ours;
  for (int i = 0; i < 100; ++i) {
    const std::size_t length = i < 2 ? 12 + 1388 * i : 12 + pair.rng() % (1400 - 12 + 1);
    plain.push_back(test::makeRtp(pair.rng, pair.ssrc, seq++, length));
    stock_out.push_back(plain.back());
    BOOST_REQUIRE(pair.stockProtect(stock_out.back(), false) == srtp_err_status_ok);
  }
  std::vector<SrtpOp> ops(plain.size());
  std::vector<const std::uint8_t*> sources(plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const auto len = static_cast<std::uint32_t>(plain[i].size());
    ours.emplace_back(plain[i].size() + kRoom, std::uint8_t{0xee});
    const std::uint32_t header = rtpHeaderLength(plain[i].data(), len);
    BOOST_REQUIRE(header != 0);
    std::copy(plain[i].begin(), plain[i].begin() + header, ours[i].begin());
    ops[i] = SrtpOp{ours[i].data(),    len,   static_cast<std::uint32_t>(ours[i].size()),
                    pair.our_tx.get(), false, SrtpStatus::CipherFail};
    sources[i] = plain[i].data();
  }
  pair.engine.protectFrom(ops.data(), sources.data(), static_cast<std::uint16_t>(ops.size()));
  for (std::size_t i = 0; i < plain.size(); ++i) {
    BOOST_TEST_CONTEXT("packet " << i << " of " << plain[i].size() << " bytes") {
      BOOST_REQUIRE_EQUAL(ops[i].status, SrtpStatus::Ok);
      ours[i].resize(ops[i].len);
      BOOST_TEST(ours[i] == stock_out[i]);
    }
  }
}

BOOST_DATA_TEST_CASE(unprotect_into_another_buffer_leaves_the_ciphertext_and_checks_like_in_place,
                     bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x1a2b3c4d, 9500 + static_cast<unsigned>(profile));
  test::checkUnprotectInto(pair, pair.engine);
}

BOOST_DATA_TEST_CASE(roc_wraps_at_seq_65535_like_stock, bdata::make(test::kAllProfiles), profile) {
  // Two wraps: the IV and (for CM) the authenticated ROC change at each; equality with stock proves ROC = 1, 2.
  Pair pair(profile, 0x0badf00d, 3000 + static_cast<unsigned>(profile));
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

BOOST_DATA_TEST_CASE(a_duplicate_inside_one_burst_is_rejected, bdata::make(test::kAllProfiles), profile) {
  // Both copies pass the window check before the jobs run; the second must fail when it is committed.
  Pair pair(profile, 0x5eed0003, 4500 + static_cast<unsigned>(profile));
  Bytes packet = test::makeRtp(pair.rng, pair.ssrc, 77, 300);
  const Bytes plain = packet;
  BOOST_REQUIRE(pair.ourProtect(packet, false) == SrtpStatus::Ok);
  Bytes first = packet;
  Bytes second = packet;
  std::vector<SrtpOp> ops{
      {first.data(), static_cast<std::uint32_t>(first.size()), static_cast<std::uint32_t>(first.size()),
       pair.our_rx.get(), false, SrtpStatus::CipherFail},
      {second.data(), static_cast<std::uint32_t>(second.size()), static_cast<std::uint32_t>(second.size()),
       pair.our_rx.get(), false, SrtpStatus::CipherFail}};
  runBurst(pair.engine, ops, false);
  BOOST_TEST(ops[0].status == SrtpStatus::Ok);
  BOOST_TEST(ops[1].status == SrtpStatus::ReplayDup);
  BOOST_TEST(Bytes(first.data(), first.data() + ops[0].len) == plain);
}

BOOST_DATA_TEST_CASE(srtcp_replays_are_rejected, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x5eed0002, 5000 + static_cast<unsigned>(profile));
  std::vector<Bytes> protected_packets;
  for (int i = 0; i < 200; ++i) {
    Bytes packet = test::makeRtcp(pair.rng, pair.ssrc, 52);
    BOOST_REQUIRE(pair.ourProtect(packet, true) == SrtpStatus::Ok);
    // E bit set, SRTCP index from 1 (RFC 3711 §3.4): before the tag for AES-CM, after it for AEAD (RFC 7714 §17).
    const std::size_t at = packet.size() - 4 - (isAead(profile) ? 0 : srtpTagLength(profile, true));
    const std::uint32_t e_index =
        static_cast<std::uint32_t>(packet[at]) << 24 | packet[at + 1] << 16 | packet[at + 2] << 8 | packet[at + 3];
    BOOST_TEST(e_index == (0x80000000U | static_cast<std::uint32_t>(i + 1)));
    protected_packets.push_back(packet);
  }
  const struct {
    std::size_t packet;
    SrtpStatus expected;
  } events[] = {
      {199, SrtpStatus::Ok}, {199, SrtpStatus::ReplayDup}, {150, SrtpStatus::Ok}, {10, SrtpStatus::ReplayOld}};
  for (const auto& event : events) {
    Bytes ours = protected_packets[event.packet];
    BOOST_TEST(pair.ourUnprotect(ours, true) == event.expected, "packet " << event.packet);
    Bytes stock = protected_packets[event.packet];
    BOOST_TEST(toSrtpStatus(pair.stockUnprotect(stock, true)) == event.expected, "stock, packet " << event.packet);
  }
}

BOOST_DATA_TEST_CASE(the_srtcp_index_never_wraps_under_one_key, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x5eed0004, 5500 + static_cast<unsigned>(profile));
  static_cast<IpsecMbStreamContext*>(pair.our_tx.get())->setLastSrtcpIndex(0x7ffffffe);
  Bytes last = test::makeRtcp(pair.rng, pair.ssrc, 52);
  BOOST_TEST(pair.ourProtect(last, true) == SrtpStatus::Ok);  // index 2^31 - 1
  Bytes beyond = test::makeRtcp(pair.rng, pair.ssrc, 52);
  BOOST_TEST(pair.ourProtect(beyond, true) == SrtpStatus::CipherFail);
  BOOST_TEST(beyond.size() == 52U);
}

BOOST_DATA_TEST_CASE(tampered_packets_fail_authentication, bdata::make(test::kAllProfiles), profile) {
  Pair pair(profile, 0x7a3e0001, 6000 + static_cast<unsigned>(profile));
  for (bool rtcp : {false, true}) {
    const Bytes plain = rtcp ? test::makeRtcp(pair.rng, pair.ssrc, 100) : test::makeRtp(pair.rng, pair.ssrc, 7, 100);
    Bytes protected_packet = plain;
    BOOST_REQUIRE(pair.ourProtect(protected_packet, rtcp) == SrtpStatus::Ok);
    const std::size_t last = protected_packet.size() - 1;
    const std::size_t tag_at =
        protected_packet.size() - srtpTagLength(profile, rtcp) - (rtcp && isAead(profile) ? 4 : 0);
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
        BOOST_TEST(truncated.size() == length);
      }
    }
  }
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
  for (const bool rtcp : {false, true}) {
    const auto overhead = static_cast<std::uint32_t>(srtpOverhead(profile, rtcp));
    Bytes room = rtcp ? test::makeRtcp(pair.rng, pair.ssrc, 100) : test::makeRtp(pair.rng, pair.ssrc, 12, 100);
    room.resize(100 + overhead, 0xee);  // the buffer holds exactly the protected packet
    const Bytes before = room;
    SrtpOp op{room.data(), 100, 100 + overhead - 1, pair.our_tx.get(), rtcp, SrtpStatus::Ok};
    pair.engine.protect(&op, 1);
    BOOST_TEST(op.status == SrtpStatus::BadLength);
    BOOST_TEST(op.len == 100U);
    BOOST_TEST(room == before);  // untouched
    op.capacity = 100 + overhead;
    pair.engine.protect(&op, 1);
    BOOST_TEST(op.status == SrtpStatus::Ok);
    BOOST_TEST(op.len == 100 + overhead);
  }
}

BOOST_DATA_TEST_CASE(random_garbage_is_never_accepted, bdata::make(test::kAllProfiles), profile) {
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

BOOST_DATA_TEST_CASE(bursts_mix_streams_profiles_and_outcomes_and_match_stock, bdata::make({true, false}),
                     sha_ni_for_hmac) {
  // 8 streams (two per profile), 100 packets per burst RTP and RTCP interleaved (more than one 64-op chunk), one
  // engine; every protected packet must equal stock libsrtp2's for its stream, and stock must accept it. With and
  // without the separate SHA-NI manager for AES-CM + HMAC-SHA1.
  IpsecMbEngine engine(IpsecMbEngine::Options{1024, sha_ni_for_hmac});
  BOOST_TEST_MESSAGE("GCM on " << engine.architecture() << ", HMAC-SHA1 on " << engine.hmacArchitecture());
  std::mt19937 rng(10000);
  struct Stream {
    SrtpKeyMaterial keys;
    std::uint32_t ssrc;
    std::unique_ptr<SrtpStreamContext> tx, rx;
    std::unique_ptr<LibsrtpReferenceSession> stock_tx, stock_rx;
    std::uint16_t seq;
  };
  std::vector<Stream> streams;
  for (std::size_t i = 0; i < 8; ++i) {
    Stream s;
    s.keys = test::randomKeys(test::kAllProfiles[i % 4], rng);
    s.ssrc = 100 + static_cast<std::uint32_t>(i);
    s.tx = engine.createStream(s.keys, s.ssrc, SrtpDirection::Outbound);
    s.rx = engine.createStream(s.keys, s.ssrc, SrtpDirection::Inbound);
    s.stock_tx = std::make_unique<LibsrtpReferenceSession>(s.keys, s.ssrc, SrtpDirection::Outbound);
    s.stock_rx = std::make_unique<LibsrtpReferenceSession>(s.keys, s.ssrc, SrtpDirection::Inbound);
    s.seq = static_cast<std::uint16_t>(65500 + 5 * i);  // some cross the ROC wrap inside the bursts
    BOOST_TEST(s.tx->profile() == test::kAllProfiles[i % 4]);
    BOOST_TEST(s.tx->ssrc() == s.ssrc);
    streams.push_back(std::move(s));
  }
  for (int round = 0; round < 3; ++round) {
    std::vector<Bytes> buffers;
    std::vector<Bytes> plain;
    std::vector<std::size_t> owner;
    std::vector<bool> is_rtcp;
    std::vector<SrtpOp> ops;
    for (int i = 0; i < 100; ++i) {
      const std::size_t stream = rng() % streams.size();
      const bool rtcp = rng() % 4 == 0;
      Stream& s = streams[stream];
      Bytes packet = rtcp ? test::makeRtcp(rng, s.ssrc, 8 + 4 * (rng() % 100))
                          : test::makeRtp(rng, s.ssrc, s.seq++, 12 + rng() % 1389);
      plain.push_back(packet);
      owner.push_back(stream);
      is_rtcp.push_back(rtcp);
      packet.resize(packet.size() + kRoom);
      buffers.push_back(std::move(packet));
    }
    for (std::size_t i = 0; i < buffers.size(); ++i) {
      ops.push_back(SrtpOp{buffers[i].data(), static_cast<std::uint32_t>(plain[i].size()),
                           static_cast<std::uint32_t>(buffers[i].size()), streams[owner[i]].tx.get(), is_rtcp[i],
                           SrtpStatus::CipherFail});
    }
    runBurst(engine, ops, true);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      BOOST_TEST_CONTEXT("round " << round << " op " << i) {
        BOOST_REQUIRE(ops[i].status == SrtpStatus::Ok);
        Stream& s = streams[owner[i]];
        Bytes stock = plain[i];
        int len = static_cast<int>(stock.size());
        stock.resize(stock.size() + kRoom);
        BOOST_REQUIRE(s.stock_tx->protect(stock.data(), len, ops[i].rtcp) == srtp_err_status_ok);
        stock.resize(static_cast<std::size_t>(len));
        BOOST_TEST(Bytes(ops[i].data, ops[i].data + ops[i].len) == stock);
        Bytes check = stock;
        len = static_cast<int>(check.size());
        BOOST_TEST(s.stock_rx->unprotect(check.data(), len, ops[i].rtcp) == srtp_err_status_ok);
        ops[i].ctx = s.rx.get();
      }
    }
    ops[5].data[ops[5].len - 1] ^= 1;  // one tampered packet in the middle of the burst
    runBurst(engine, ops, false);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      BOOST_TEST_CONTEXT("round " << round << " op " << i) {
        if (i == 5) {
          BOOST_TEST(ops[i].status == SrtpStatus::AuthFail);
        } else {
          BOOST_TEST(ops[i].status == SrtpStatus::Ok);
          BOOST_TEST(Bytes(ops[i].data, ops[i].data + ops[i].len) == plain[i]);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(rfc3711_b3_key_derivation) {
  SrtpKeyMaterial keys;
  keys.profile = SrtpProfile::Aes128CmSha1_80;
  const Bytes key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const Bytes salt = hex("0EC675AD498AFEEBB6960B3AABE6");
  std::copy(key.begin(), key.end(), keys.master_key.begin());
  std::copy(salt.begin(), salt.end(), keys.master_salt.begin());
  const struct {
    SrtpKdfLabel label;
    Bytes expected;
  } rows[] = {
      {SrtpKdfLabel::RtpCipher, hex("C61E7A93744F39EE10734AFE3FF7A087")},
      {SrtpKdfLabel::RtpSalt, hex("30CBBC08863D8C85D49DB34A9AE1")},
      {SrtpKdfLabel::RtpAuth, hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")},
  };
  for (const auto& row : rows) {
    Bytes out(row.expected.size());
    deriveSrtpKey(keys, row.label, out.data(), out.size());
    BOOST_TEST(out == row.expected, boost::test_tools::per_element());
  }
  const SrtpSessionSecrets secrets = deriveSessionSecrets(keys, false);
  BOOST_TEST(Bytes(secrets.cipher_key.begin(), secrets.cipher_key.begin() + 16) == rows[0].expected,
             boost::test_tools::per_element());
  BOOST_TEST(Bytes(secrets.salt.begin(), secrets.salt.end()) == rows[1].expected, boost::test_tools::per_element());
  BOOST_TEST(Bytes(secrets.auth_key.begin(), secrets.auth_key.end()) == rows[2].expected,
             boost::test_tools::per_element());
}

// RFC 7714 §16/§17: session key 00..0f or 00..1f, session salt "Quid pro quo" (below the KDF).
SrtpSessionSecrets rfc7714Secrets(std::size_t key_length) {
  SrtpSessionSecrets secrets;
  for (std::size_t i = 0; i < key_length; ++i)
    secrets.cipher_key[i] = static_cast<std::uint8_t>(i);
  const Bytes salt = hex("517569642070726f2071756f");
  std::copy(salt.begin(), salt.end(), secrets.salt.begin());
  return secrets;
}

BOOST_AUTO_TEST_CASE(rfc7714_vectors_through_the_engine) {
  const Bytes rtp =
      hex("8040f17b8041f8d35501a0b2"
          "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
  const Bytes rtcp =
      hex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
          "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
  const struct {
    const char* name;
    SrtpProfile profile;
    std::size_t key_length;
    Bytes srtp;   // §16.x.1
    Bytes srtcp;  // §17.x, SRTCP index 0x5d4
  } rows[] = {
      {"AEAD_AES_128_GCM", SrtpProfile::AeadAes128Gcm, 16,
       hex("8040f17b8041f8d35501a0b2"
           "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee439"
           "0cce"),
       hex("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda"
           "4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4")},
      {"AEAD_AES_256_GCM", SrtpProfile::AeadAes256Gcm, 32,
       hex("8040f17b8041f8d35501a0b2"
           "32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a7"
           "6c13"),
       hex("81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be"
           "8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4")},
  };
  IpsecMbEngine engine;
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      const SrtpSessionSecrets secrets = rfc7714Secrets(row.key_length);
      auto tx =
          engine.createStreamFromSessionSecrets(row.profile, secrets, secrets, 0x5501a0b2, SrtpDirection::Outbound);
      auto rx =
          engine.createStreamFromSessionSecrets(row.profile, secrets, secrets, 0x5501a0b2, SrtpDirection::Inbound);
      auto rtcp_tx =
          engine.createStreamFromSessionSecrets(row.profile, secrets, secrets, 0x4d617273, SrtpDirection::Outbound);
      auto rtcp_rx =
          engine.createStreamFromSessionSecrets(row.profile, secrets, secrets, 0x4d617273, SrtpDirection::Inbound);
      static_cast<IpsecMbStreamContext*>(rtcp_tx.get())->setLastSrtcpIndex(0x5d3);

      const struct {
        SrtpStreamContext* tx;
        SrtpStreamContext* rx;
        bool rtcp;
        const Bytes& plain;
        const Bytes& expected;
      } packets[] = {{tx.get(), rx.get(), false, rtp, row.srtp}, {rtcp_tx.get(), rtcp_rx.get(), true, rtcp, row.srtcp}};
      for (const auto& packet : packets) {
        Bytes buffer = packet.plain;
        buffer.resize(buffer.size() + kRoom);
        SrtpOp op{buffer.data(),
                  static_cast<std::uint32_t>(packet.plain.size()),
                  static_cast<std::uint32_t>(buffer.size()),
                  packet.tx,
                  packet.rtcp,
                  SrtpStatus::CipherFail};
        engine.protect(&op, 1);
        BOOST_TEST(op.status == SrtpStatus::Ok);
        BOOST_TEST(Bytes(buffer.data(), buffer.data() + op.len) == packet.expected, boost::test_tools::per_element());

        Bytes received = packet.expected;
        SrtpOp in{received.data(),
                  static_cast<std::uint32_t>(received.size()),
                  static_cast<std::uint32_t>(received.size()),
                  packet.rx,
                  packet.rtcp,
                  SrtpStatus::CipherFail};
        engine.unprotect(&in, 1);
        BOOST_TEST(in.status == SrtpStatus::Ok);
        BOOST_TEST(Bytes(received.data(), received.data() + in.len) == packet.plain, boost::test_tools::per_element());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(unsupported_profiles_and_windows_are_refused_on_the_control_side) {
  IpsecMbEngine engine;
  BOOST_TEST(engine.name() == "ipsec-mb");
  BOOST_TEST(engine.architecture() != "none");
  SrtpKeyMaterial keys;
  keys.profile = static_cast<SrtpProfile>(5);  // SRTP_NULL_SHA1_80: never negotiated by us
  BOOST_CHECK_THROW(engine.createStream(keys, 1, SrtpDirection::Inbound), std::runtime_error);
  for (std::uint32_t window : {0U, 1025U}) {
    BOOST_CHECK_THROW(IpsecMbEngine(IpsecMbEngine::Options{window}), std::invalid_argument);
  }
}

}  // namespace
}  // namespace portunus::dp
