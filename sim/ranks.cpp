#include "sim/ranks.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#ifdef LIFECIRCLE_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only: no deprecated C++ bindings to link
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace lifecircle {

namespace {
Ranks g_world;
#ifdef LIFECIRCLE_WITH_MPI
bool g_started = false;

/// Whether an MPI launcher started this process (Open MPI, MPICH/Hydra and Slurm set these).
bool launched_by_mpi() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"})
        if (const char* v = std::getenv(name); v && *v) return true;
    return false;
}
#endif
}  // namespace

bool Ranks::built_with_mpi() {
#ifdef LIFECIRCLE_WITH_MPI
    return true;
#else
    return false;
#endif
}

void Ranks::init([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef LIFECIRCLE_WITH_MPI
    if (g_started || !launched_by_mpi()) return;
    int provided = 0;
    // only the main thread calls MPI; oneTBB's workers never do
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    g_started = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_world.m_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_world.m_size);
#endif
}

void Ranks::finalize() {
#ifdef LIFECIRCLE_WITH_MPI
    if (g_started) MPI_Finalize();
    g_started = false;
#endif
}

void Ranks::abort(int code) {
#ifdef LIFECIRCLE_WITH_MPI
    if (g_started) MPI_Abort(MPI_COMM_WORLD, code);
#endif
    std::exit(code);
}

const Ranks& Ranks::world() { return g_world; }

std::pair<std::size_t, std::size_t> Ranks::share(std::size_t n) const {
    const auto edge = [&](int r) {
        const std::size_t at = n * static_cast<std::size_t>(r) / static_cast<std::size_t>(m_size);
        return r == m_size ? n : std::min(n, at / 8 * 8);
    };
    return {edge(m_rank), edge(m_rank + 1)};
}

void Ranks::sum(std::vector<std::int64_t>& values) const {
    if (m_size == 1 || values.empty()) return;
    m_bytes += static_cast<std::int64_t>(values.size() * sizeof(std::int64_t));
#ifdef LIFECIRCLE_WITH_MPI
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
#endif
}

void Ranks::sum(std::vector<std::uint16_t>& values) const {
    if (m_size == 1 || values.empty()) return;
    m_bytes += static_cast<std::int64_t>(values.size() * sizeof(std::uint16_t));
#ifdef LIFECIRCLE_WITH_MPI
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT16_T, MPI_SUM, MPI_COMM_WORLD);
#endif
}

void Ranks::max_loc(std::vector<double>& values, std::vector<std::int64_t>& index) const {
    if (m_size == 1 || values.empty()) return;
    struct DoubleInt {  // MPI_DOUBLE_INT's layout
        double value;
        int index;
    };
    static_assert(sizeof(DoubleInt) == 16);
    std::vector<DoubleInt> pairs(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (index[i] < std::numeric_limits<int>::min() || index[i] > std::numeric_limits<int>::max())
            throw std::overflow_error("Ranks::max_loc: index " + std::to_string(index[i]) + " does not fit an int");
        pairs[i] = {values[i], static_cast<int>(index[i])};
    }
    m_bytes += static_cast<std::int64_t>(pairs.size() * sizeof(DoubleInt));
#ifdef LIFECIRCLE_WITH_MPI
    MPI_Allreduce(MPI_IN_PLACE, pairs.data(), static_cast<int>(pairs.size()), MPI_DOUBLE_INT, MPI_MAXLOC,
                  MPI_COMM_WORLD);
#endif
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = pairs[i].value;
        index[i] = pairs[i].index;
    }
}

int Ranks::max(int value) const {
    if (m_size == 1) return value;
#ifdef LIFECIRCLE_WITH_MPI
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
#endif
    return value;
}

}  // namespace lifecircle
