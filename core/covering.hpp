#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/walk_network.hpp"

namespace lifecircle {

/// Maximal covering location (Church and ReVelle, 1974): among candidate sites, choose up to
/// `count` that together bring the most weight of demand inside its ring. The problem of the
/// project lists and gap lists (一图一清单). A demand entry is a node with a weight and a ring
/// of its own (residents of one walking pace at one node); it is covered by a site within
/// its ring metres of walking.
struct CoverProblem {
    std::vector<std::uint32_t> candidates;  ///< candidate sites (nodes)
    std::vector<double> weights;            ///< weight of each demand entry
    /// (demand entry, candidate index) pairs with the candidate inside the entry's ring, sorted
    /// by entry, then candidate
    std::vector<std::uint32_t> rows, cols;
};

/// The pairs of a covering problem by exact network distance: for each candidate, a bounded
/// Dijkstra to the widest ring (in parallel; the result does not depend on threads).
/// `demand[i]` is entry i's node, `rings[i]` its ring, metres.
CoverProblem coverage_problem(const WalkNetwork& network, std::span<const std::uint32_t> candidates,
                              std::span<const std::uint32_t> demand, std::span<const double> weights,
                              std::span<const double> rings);

/// A solution: the sites chosen (nodes), each with the weight it adds to the sites before it,
/// largest first; the total; the method ("exact" or "greedy"); for the exact method the
/// solver's status ("optimal", or "time limit reached": the best found) and proven gap.
struct Cover {
    std::vector<std::uint32_t> sites;
    std::vector<double> gains;
    double covered = 0;
    std::string method;
    std::string status = "optimal";
    double gap = 0;
};

/// Upper bounds on the weight that p sites can cover, for p = 1 .. count (element p - 1), and
/// as element `count` the weight that all candidates together cover. From the greedy sequence
/// G_0 (no site), G_1, ..., G_count: coverage is submodular, so p sites S cover at most
/// f(G_k) + the sum over S of each site's gain over G_k, at most f(G_k) + the p largest gains
/// over G_k (Nemhauser, Wolsey and Fisher 1978); the least over k. Costs a greedy pass; lets a
/// caller skip an integer programme that cannot reach a target (models/project_list).
std::vector<double> cover_bounds(const CoverProblem& problem, int count);

/// Whether some `count` sites cover at least `weight` (up to HiGHS's feasibility tolerance,
/// 1e-7: give integer weights a margin): yes when the greedy sites do; otherwise the
/// covering programme as a question of feasibility (no objective, a row asking for the weight),
/// which HiGHS answers at its first solution or with a proof that there is none, usually
/// long before it would prove an optimum. Empty when it cannot tell (no HiGHS in this build,
/// or `time_limit` seconds passed). Lets a caller that needs the fewest sites reaching a
/// target skip the full programme for counts that cannot (models/project_list).
std::optional<bool> cover_reaches(const CoverProblem& problem, int count, double weight, double time_limit = 60.0);

/// Whether this build has an exact solver (HiGHS, linked from build/deps/highs: scripts/highs.sh).
bool exact_cover_available();

/// Up to `count` sites by the named method: "greedy" (each site in turn the one adding the
/// most weight not yet covered, ties to the earlier candidate; within 1 - 1/e of the optimum)
/// or "exact" (the integer programme, by HiGHS, to proven optimality or `time_limit` seconds:
/// maximise sum_i w_i y_i subject to y_i <= sum_{j covers i} x_j, sum_j x_j <= count, x
/// binary, 0 <= y_i <= 1). A build without HiGHS refuses "exact" (ArgumentError) rather than
/// quietly solving another way. Deterministic: HiGHS runs on one thread.
Cover max_cover(const CoverProblem& problem, int count, const std::string& method, double time_limit = 60.0);

}  // namespace lifecircle
