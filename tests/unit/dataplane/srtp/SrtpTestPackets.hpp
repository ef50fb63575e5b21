// Test support for the SRTP engine tests: hex decoding, key material and random RTP/RTCP packets (header-only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp::test {

inline std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int high = -1;
  for (char c : text) {
    const int value = nibble(c);
    if (value < 0) continue;  // spaces and separators
    if (high < 0) {
      high = value;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | value));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

inline SrtpKeyMaterial randomKeys(SrtpProfile profile, std::mt19937& rng) {
  SrtpKeyMaterial keys;
  keys.profile = profile;
  for (std::size_t i = 0; i < masterKeyLength(profile); ++i)
    keys.master_key[i] = static_cast<std::uint8_t>(rng());
  for (std::size_t i = 0; i < masterSaltLength(profile); ++i)
    keys.master_salt[i] = static_cast<std::uint8_t>(rng());
  return keys;
}

/** An RTP packet of exactly `length` bytes (>= 12): random CSRC count and header extension that fit, random payload. */
inline std::vector<std::uint8_t> makeRtp(std::mt19937& rng, std::uint32_t ssrc, std::uint16_t seq, std::size_t length) {
  std::size_t csrcs = rng() % 16;
  std::size_t ext_words = rng() % 2 == 0 ? 0 : 1 + rng() % 8;  // 0: no extension; else 4-byte head + words - 1
  auto header_length = [&] { return 12 + 4 * csrcs + 4 * ext_words; };
  while (header_length() > length) {
    if (ext_words > 0) {
      --ext_words;
    } else {
      --csrcs;
    }
  }
  std::vector<std::uint8_t> packet(length);
  for (auto& byte : packet)
    byte = static_cast<std::uint8_t>(rng());
  packet[0] = static_cast<std::uint8_t>(0x80 | (ext_words > 0 ? 0x10 : 0) | csrcs);
  packet[1] = static_cast<std::uint8_t>(packet[1] & 0x7f);  // keep PT random, marker clear
  packet[2] = static_cast<std::uint8_t>(seq >> 8);
  packet[3] = static_cast<std::uint8_t>(seq);
  packet[8] = static_cast<std::uint8_t>(ssrc >> 24);
  packet[9] = static_cast<std::uint8_t>(ssrc >> 16);
  packet[10] = static_cast<std::uint8_t>(ssrc >> 8);
  packet[11] = static_cast<std::uint8_t>(ssrc);
  if (ext_words > 0) {
    const std::size_t at = 12 + 4 * csrcs;
    packet[at] = 0xbe;  // RFC 8285 one-byte header profile
    packet[at + 1] = 0xde;
    packet[at + 2] = static_cast<std::uint8_t>((ext_words - 1) >> 8);
    packet[at + 3] = static_cast<std::uint8_t>(ext_words - 1);
  }
  return packet;
}

/** A sender report-shaped RTCP packet of `length` bytes (multiple of 4, >= 8), random body. */
inline std::vector<std::uint8_t> makeRtcp(std::mt19937& rng, std::uint32_t ssrc, std::size_t length) {
  std::vector<std::uint8_t> packet(length);
  for (auto& byte : packet)
    byte = static_cast<std::uint8_t>(rng());
  const std::size_t words = length / 4 - 1;
  packet[0] = 0x80;
  packet[1] = 200;  // SR
  packet[2] = static_cast<std::uint8_t>(words >> 8);
  packet[3] = static_cast<std::uint8_t>(words);
  packet[4] = static_cast<std::uint8_t>(ssrc >> 24);
  packet[5] = static_cast<std::uint8_t>(ssrc >> 16);
  packet[6] = static_cast<std::uint8_t>(ssrc >> 8);
  packet[7] = static_cast<std::uint8_t>(ssrc);
  return packet;
}

inline constexpr SrtpProfile kAllProfiles[] = {SrtpProfile::Aes128CmSha1_80, SrtpProfile::Aes128CmSha1_32,
                                               SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm};

}  // namespace portunus::dp::test
