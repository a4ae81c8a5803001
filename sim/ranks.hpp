#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lifecircle {

/// The processes one run is spread over: MPI ranks (`mpirun -n R lifecircle run ...`), or
/// this process alone. Every rank holds the whole world and applies the same month-end
/// economics and policy to it; the day loop and the residents' scoring are divided, each
/// rank simulating and scoring a contiguous share of the residents (stored district by
/// district, so a rank holds whole districts except where its share begins and ends). At a
/// month's end the integer tallies and the per-district counts of satisfied residents and
/// respondents are summed over the ranks (MPI_Allreduce), so every rank continues from the
/// same totals, and the results equal a single process's on any number of ranks and threads
/// (docs/cluster.md).
///
/// Built without MPI (LIFECIRCLE_WITH_MPI off) or started without mpirun, there is one rank
/// and every call is free.
class Ranks {
  public:
    /// Starts MPI when this program was started by an MPI launcher (mpirun, srun) and built
    /// with MPI; otherwise nothing. Call once, first thing in main().
    static void init(int& argc, char**& argv);
    /// Ends MPI if init started it (after every rank has finished its collective calls).
    static void finalize();
    /// Every rank stops now with `code` (MPI_Abort): for an error one rank alone met, which
    /// would leave the others waiting in a collective call. Without MPI, std::exit(code).
    [[noreturn]] static void abort(int code);
    /// The ranks of this run (one when MPI is not running).
    static const Ranks& world();

    int rank() const { return m_rank; }
    int size() const { return m_size; }
    bool many() const { return m_size > 1; }
    /// Whether this binary was built with MPI.
    static bool built_with_mpi();

    /// This rank's residents out of n: [first, second), contiguous and balanced, each share
    /// starting at a multiple of 8 (the day loop's lane width; the draws do not depend on it).
    std::pair<std::size_t, std::size_t> share(std::size_t n) const;

    /// Sums `values` element-wise over the ranks, in place (exact: integers).
    void sum(std::vector<std::int64_t>& values) const;
    void sum(std::vector<std::uint16_t>& values) const;
    /// Element-wise over the ranks, in place: the largest of `values`, and with it its
    /// `index`; of equal values, the lowest index (MPI_MAXLOC). An index must fit in an int.
    void max_loc(std::vector<double>& values, std::vector<std::int64_t>& index) const;
    /// The largest of every rank's `value` (e.g. an error status, so that all ranks learn
    /// that one of them failed and exit together).
    int max(int value) const;
    /// Bytes this rank has passed to sum() and max_loc() so far (the payload of its reductions).
    std::int64_t bytes_reduced() const { return m_bytes; }

  private:
    int m_rank = 0, m_size = 1;
    mutable std::int64_t m_bytes = 0;
};

}  // namespace lifecircle
