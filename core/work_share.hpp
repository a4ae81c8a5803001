#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace lifecircle {

/// Month-end work divided among the processes of one run (sim/ranks.hpp: MPI ranks), where
/// every process holds the whole world: item i (a project list's category, an entry site) is
/// this process's when i % count == index; each process computes its own items and writes
/// their results as 64-bit words at the items' places in a vector zero elsewhere, and `sum`
/// adds the vectors over the processes element by element, so that every process has every
/// item's words exactly (an integer sum with one term not zero is that term; doubles travel as
/// their bits). One process (the default) does every item and sums nothing.
struct WorkShare {
    int index = 0;
    int count = 1;
    std::function<void(std::vector<std::int64_t>&)> sum;
    /// Element-wise over the processes: the largest value and its index, of equal values the
    /// lowest index (MPI_MAXLOC), in place; for a best item of each process's own.
    std::function<void(std::vector<double>&, std::vector<std::int64_t>&)> best;

    bool divided() const { return count > 1; }
    bool mine(std::size_t item) const {
        return !divided() || static_cast<int>(item % static_cast<std::size_t>(count)) == index;
    }
    static std::int64_t word(double x) { return std::bit_cast<std::int64_t>(x); }
    static double real(std::int64_t w) { return std::bit_cast<double>(w); }
};

}  // namespace lifecircle
