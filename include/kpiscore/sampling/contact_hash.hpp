#ifndef KPISCORE_SAMPLING_CONTACT_HASH_HPP
#define KPISCORE_SAMPLING_CONTACT_HASH_HPP

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kpiscore::sampling {

/// The SplitMix64 output function (Steele, Lea & Flood 2014; the variant "Mix13" of
/// D. Stafford, 2011): a bijective 64-bit finalizer whose output bits each depend on every input
/// bit.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z ^= z >> 30;
  z *= 0xBF58476D1CE4E5B9ULL;
  z ^= z >> 27;
  z *= 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// The seeded 64-bit hash of a contact id that every hash-based design draws from
/// (docs/sampling.md, "The contact's random number"):
///
///     h0 = seed XOR (0x9E3779B97F4A7C15 * (length + 1))
///     h  = mix64(h XOR w)  for each 8-byte little-endian word w of the id (the last zero-padded)
///     hash = mix64(h + 0x9E3779B97F4A7C15),   u = floor(hash / 2^11) / 2^53
///
/// It depends only on the id's bytes and the seed, never on the row's position, so a contact gets
/// the same number in any file, any row order and any partition. Not a cryptographic hash: a plan
/// whose seed is known lets anyone predict the draw, which is what reproducibility means here.
inline std::uint64_t contact_hash(std::string_view id, std::uint64_t seed) noexcept {
  constexpr std::uint64_t golden = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = seed ^ (golden * (static_cast<std::uint64_t>(id.size()) + 1));
  std::size_t i = 0;
  for (; i + 8 <= id.size(); i += 8) {
    std::uint64_t w = 0;
    for (std::size_t b = 0; b < 8; ++b)
      w |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[i + b])) << (8 * b);
    h = mix64(h ^ w);
  }
  if (i < id.size()) {
    std::uint64_t w = 0;
    for (std::size_t b = 0; i + b < id.size(); ++b)
      w |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[i + b])) << (8 * b);
    h = mix64(h ^ w);
  }
  return mix64(h + golden);
}

/// A uniform number in [0, 1) from the top 53 bits of a hash: floor(hash / 2^11) / 2^53, so
/// P(u < p) = p for every p that is a multiple of 2^-53. u < 1 always, so u / (1 - u) is finite.
constexpr double hash_uniform(std::uint64_t hash) noexcept {
  return static_cast<double>(hash >> 11) * 0x1.0p-53;
}

/// A uniform number in the open interval (0, 1), (floor(hash / 2^12) + 0.5) / 2^52, for draws
/// that take a logarithm (the reservoir's skips).
constexpr double hash_uniform_open(std::uint64_t hash) noexcept {
  return (static_cast<double>(hash >> 12) + 0.5) * 0x1.0p-52;
}

/// The contact's uniform: hash_uniform(contact_hash(id, seed)).
inline double contact_uniform(std::string_view id, std::uint64_t seed) noexcept {
  return hash_uniform(contact_hash(id, seed));
}

/// A small deterministic generator (SplitMix64) for the order-dependent designs' random starts
/// and reservoir draws, seeded from the plan's seed and the stratum.
class SplitMix64 {
public:
  explicit SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept { return mix64(state_ += 0x9E3779B97F4A7C15ULL); }
  /// Uniform in (0, 1).
  double uniform() noexcept { return hash_uniform_open(next()); }

private:
  std::uint64_t state_;
};

} // namespace kpiscore::sampling

#endif
