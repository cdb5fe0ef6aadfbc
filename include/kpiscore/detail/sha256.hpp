#ifndef KPISCORE_DETAIL_SHA256_HPP
#define KPISCORE_DETAIL_SHA256_HPP

// SHA-256 (FIPS 180-4, "Secure Hash Standard", NIST 2015, sections 4.1.2, 4.2.2, 5.1.1, 5.3.3
// and 6.2) and HMAC-SHA256 (RFC 2104, "HMAC: Keyed-Hashing for Message Authentication", 1997).
// Tested against the FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf") and the RFC 4231
// HMAC-SHA256 test cases (tests/detail/sha256_test.cpp). Used to pseudonymise identifiers
// (kpiscore/io/pseudonymise.hpp); not a general-purpose crypto library (no constant-time claims
// beyond what the algorithm gives, no key management).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kpiscore::detail {

/// Incremental SHA-256: update() any number of times, then digest() once.
class Sha256 {
public:
  using Digest = std::array<std::uint8_t, 32>;
  static constexpr std::size_t block_size = 64;

  Sha256() noexcept { reset(); }

  void reset() noexcept {
    // FIPS 180-4 section 5.3.3: the first 32 bits of the fractional parts of the square roots
    // of the first eight primes.
    h_ = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
          0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    bytes_ = 0;
    fill_ = 0;
  }

  void update(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const std::uint8_t*>(data);
    bytes_ += size;
    if (fill_ != 0) {
      while (size != 0 && fill_ < block_size) {
        block_[fill_++] = *p++;
        --size;
      }
      if (fill_ < block_size) return;
      compress(block_.data());
      fill_ = 0;
    }
    for (; size >= block_size; size -= block_size, p += block_size)
      compress(p);
    for (; size != 0; --size)
      block_[fill_++] = *p++;
  }
  void update(std::string_view s) noexcept { update(s.data(), s.size()); }

  /// Pads (FIPS 180-4 section 5.1.1: a 1 bit, zeros, the 64-bit big-endian bit length) and
  /// returns the hash; the object must be reset() before further use.
  Digest digest() noexcept {
    const std::uint64_t bits = bytes_ * 8;
    block_[fill_++] = 0x80;
    if (fill_ > block_size - 8) {
      while (fill_ < block_size)
        block_[fill_++] = 0;
      compress(block_.data());
      fill_ = 0;
    }
    while (fill_ < block_size - 8)
      block_[fill_++] = 0;
    for (int i = 7; i >= 0; --i)
      block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
    compress(block_.data());
    Digest out{};
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t b = 0; b < 4; ++b)
        out[i * 4 + b] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * b));
    return out;
  }

  static Digest hash(std::string_view s) noexcept {
    Sha256 h;
    h.update(s);
    return h.digest();
  }

private:
  static constexpr std::uint32_t rotr(std::uint32_t x, int n) noexcept {
    return (x >> n) | (x << (32 - n));
  }

  // FIPS 180-4 section 6.2.2: the message schedule and the 64 rounds of one 512-bit block.
  void compress(const std::uint8_t* p) noexcept {
    static constexpr std::uint32_t k[64] = {
        0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
        0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
        0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
        0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
        0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
        0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
        0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
        0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
        0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
        0xc67178f2u};
    std::uint32_t w[64];
    for (int t = 0; t < 16; ++t)
      w[t] = (std::uint32_t{p[4 * t]} << 24) | (std::uint32_t{p[4 * t + 1]} << 16) |
             (std::uint32_t{p[4 * t + 2]} << 8) | std::uint32_t{p[4 * t + 3]};
    for (int t = 16; t < 64; ++t) {
      const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6],
                  h = h_[7];
    for (int t = 0; t < 64; ++t) {
      const std::uint32_t t1 =
          h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
      const std::uint32_t t2 =
          (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
    h_[5] += f;
    h_[6] += g;
    h_[7] += h;
  }

  std::array<std::uint32_t, 8> h_{};
  std::array<std::uint8_t, block_size> block_{};
  std::uint64_t bytes_ = 0;
  std::size_t fill_ = 0;
};

/// HMAC-SHA256 with a fixed key (RFC 2104 section 2): H((K0 ^ opad) || H((K0 ^ ipad) || text)),
/// K0 the key zero-padded to the block size, or its hash when longer than a block. The padded
/// inner and outer states are computed once, so each mac() costs two compressions for short
/// texts.
class HmacSha256 {
public:
  explicit HmacSha256(std::string_view key) noexcept {
    std::array<std::uint8_t, Sha256::block_size> k0{};
    if (key.size() > Sha256::block_size) {
      const auto d = Sha256::hash(key);
      for (std::size_t i = 0; i < d.size(); ++i)
        k0[i] = d[i];
    } else {
      for (std::size_t i = 0; i < key.size(); ++i)
        k0[i] = static_cast<std::uint8_t>(key[i]);
    }
    std::array<std::uint8_t, Sha256::block_size> pad{};
    for (std::size_t i = 0; i < pad.size(); ++i)
      pad[i] = k0[i] ^ 0x36;
    inner_.update(pad.data(), pad.size());
    for (std::size_t i = 0; i < pad.size(); ++i)
      pad[i] = k0[i] ^ 0x5c;
    outer_.update(pad.data(), pad.size());
  }

  Sha256::Digest mac(std::string_view text) const noexcept {
    Sha256 in = inner_;
    in.update(text);
    const auto inner_digest = in.digest();
    Sha256 out = outer_;
    out.update(inner_digest.data(), inner_digest.size());
    return out.digest();
  }

private:
  Sha256 inner_, outer_;
};

/// Lower-case hex of the first `bytes` bytes of a digest.
inline std::string to_hex(const Sha256::Digest& d, std::size_t bytes = 32) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes && i < d.size(); ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}

} // namespace kpiscore::detail

#endif
