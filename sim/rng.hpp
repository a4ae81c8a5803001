#pragma once

#include <array>
#include <cstdint>

#include <Random123/philox.h>

namespace lifecircle {

/// Counter-based random numbers (Philox 4x32-10): the same (key, counter) always gives the
/// same numbers, on any thread, in any order. Key = (seed, stream), counter = what is drawn.
class CounterRng {
public:
    CounterRng(std::uint64_t seed, std::uint64_t stream)
        : m_key{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
          m_stream(stream) {}

    /// A uniform double in [0, 1) for draw number `counter`.
    double uniform(std::uint64_t counter) const {
        const auto r = raw(counter);
        const std::uint64_t bits = (static_cast<std::uint64_t>(r[0]) << 21) ^ r[1];
        return static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) * 0x1.0p-53;
    }
    /// Four uniform doubles in [0, 1) (32-bit resolution each) from one Philox call.
    std::array<double, 4> uniform4(std::uint64_t counter) const {
        const auto r = raw(counter);
        return {r[0] * 0x1.0p-32, r[1] * 0x1.0p-32, r[2] * 0x1.0p-32, r[3] * 0x1.0p-32};
    }
    /// A uniform integer in [0, n) for draw number `counter` (n > 0).
    std::uint64_t below(std::uint64_t counter, std::uint64_t n) const {
        return static_cast<std::uint64_t>(uniform(counter) * static_cast<double>(n)) % n;
    }

private:
    r123::Philox4x32::ctr_type raw(std::uint64_t counter) const {
        r123::Philox4x32::ctr_type c{{static_cast<std::uint32_t>(counter),
                                      static_cast<std::uint32_t>(counter >> 32),
                                      static_cast<std::uint32_t>(m_stream),
                                      static_cast<std::uint32_t>(m_stream >> 32)}};
        return r123::Philox4x32{}(c, m_key);
    }

    r123::Philox4x32::key_type m_key;
    std::uint64_t m_stream;
};

}  // namespace lifecircle
