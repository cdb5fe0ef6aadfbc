// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "Examples with intermediate values",
// SHA256.pdf and SHA2_Additional) and HMAC-SHA256 against RFC 4231 section 4, test cases 1-7.
#include <kpiscore/detail/sha256.hpp>

#include <gtest/gtest.h>

#include <string>

using kpiscore::detail::HmacSha256;
using kpiscore::detail::Sha256;
using kpiscore::detail::to_hex;

namespace {

std::string hex_sha(std::string_view s) {
  return to_hex(Sha256::hash(s));
}
std::string hex_hmac(std::string_view key, std::string_view text) {
  return to_hex(HmacSha256(key).mac(text));
}

} // namespace

TEST(Sha256, NistVectors) {
  EXPECT_EQ(hex_sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmno"
                    "pqklmnopqrlmnopqrs"
                    "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(hex_sha(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  // 55, 56, 63 and 64 bytes put the length field in the same block or the next one; the
  // digests are those of Python's hashlib.sha256 on the same bytes.
  EXPECT_EQ(hex_sha(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(hex_sha(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(hex_sha(std::string(63, 'a')),
            "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  EXPECT_EQ(hex_sha(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, AnySplitOfTheInputGivesTheSameDigest) {
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += static_cast<char>(i * 7 + 3);
  const auto whole = Sha256::hash(text);
  for (std::size_t a = 0; a <= text.size(); a += 13)
    for (std::size_t b = a; b <= text.size(); b += 29) {
      Sha256 h;
      h.update(std::string_view(text).substr(0, a));
      h.update(std::string_view(text).substr(a, b - a));
      h.update(std::string_view(text).substr(b));
      EXPECT_EQ(h.digest(), whole) << a << " " << b;
    }
}

TEST(HmacSha256, Rfc4231TestCases) {
  EXPECT_EQ(hex_hmac(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_hmac("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_hmac(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  std::string key4;
  for (char c = 1; c <= 25; ++c)
    key4 += c;
  EXPECT_EQ(hex_hmac(key4, std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Test case 5 checks the output truncated to 128 bits.
  EXPECT_EQ(to_hex(HmacSha256(std::string(20, '\x0c')).mac("Test With Truncation"), 16),
            "a3b6167473100ee06e0c796c2955552b");
  EXPECT_EQ(
      hex_hmac(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hex_hmac(std::string(131, '\xaa'),
                     "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key "
                     "needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, ReusableForManyTexts) {
  const HmacSha256 mac("Jefe");
  const auto first = mac.mac("what do ya want for nothing?");
  (void)mac.mac("something else");
  EXPECT_EQ(mac.mac("what do ya want for nothing?"), first);
}
