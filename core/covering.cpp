#include "core/covering.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include "core/error.hpp"
#include "core/reach_table.hpp"

#ifdef LIFECIRCLE_HAVE_HIGHS
#include <Highs.h>
#endif

namespace lifecircle {

CoverProblem coverage_problem(const WalkNetwork& network, std::span<const std::uint32_t> candidates,
                              std::span<const std::uint32_t> demand, std::span<const double> weights,
                              std::span<const double> rings) {
    if (weights.size() != demand.size() || rings.size() != demand.size())
        throw ArgumentError("coverage_problem: " + std::to_string(demand.size()) + " demand nodes, " +
                            std::to_string(weights.size()) + " weights and " + std::to_string(rings.size()) +
                            " rings; expected one of each a demand entry");
    const std::size_t n = network.num_nodes();
    for (auto v : candidates)
        if (v >= n)
            throw ArgumentError("coverage_problem: candidate node " + std::to_string(v) + " is not in the network");
    double widest = 0.0;
    for (std::size_t i = 0; i < demand.size(); ++i) {
        if (demand[i] >= n)
            throw ArgumentError("coverage_problem: demand node " + std::to_string(demand[i]) +
                                " is not in the network");
        if (!(rings[i] >= 0.0) || !std::isfinite(rings[i]))
            throw ArgumentError("coverage_problem: ring " + std::to_string(rings[i]) + "; expected metres >= 0");
        widest = std::max(widest, rings[i]);
    }
    CoverProblem p;
    p.candidates.assign(candidates.begin(), candidates.end());
    p.weights.assign(weights.begin(), weights.end());
    if (candidates.empty() || demand.empty()) return p;
    // the demand entries at each node
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> at;
    for (std::uint32_t i = 0; i < demand.size(); ++i) at[demand[i]].push_back(i);
    // each candidate's covered entries (its own bounded search: independent tasks)
    std::vector<std::vector<std::uint32_t>> covers(candidates.size());
    tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t j) {
        for (const auto& [v, dist] : bounded_dijkstra(network, candidates[j], widest)) {
            const auto it = at.find(v);
            if (it == at.end()) continue;
            for (auto i : it->second)
                if (dist <= rings[i]) covers[j].push_back(i);
        }
    });
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::uint32_t j = 0; j < covers.size(); ++j)
        for (auto i : covers[j]) pairs.emplace_back(i, j);
    std::sort(pairs.begin(), pairs.end());
    p.rows.reserve(pairs.size());
    p.cols.reserve(pairs.size());
    for (const auto& [i, j] : pairs) {
        p.rows.push_back(i);
        p.cols.push_back(j);
    }
    return p;
}

namespace {

/// Each candidate's demand entries.
std::vector<std::vector<std::uint32_t>> entries_of(const CoverProblem& p) {
    std::vector<std::vector<std::uint32_t>> reach(p.candidates.size());
    for (std::size_t k = 0; k < p.rows.size(); ++k) reach[p.cols[k]].push_back(p.rows[k]);
    return reach;
}

#ifdef LIFECIRCLE_HAVE_HIGHS
/// The chosen candidates ordered by what each adds to those before it (largest first; ties to
/// the earlier candidate).
Cover in_gain_order(const CoverProblem& p, std::vector<std::uint32_t> chosen, const std::string& method) {
    const auto reach = entries_of(p);
    std::vector<std::uint8_t> covered(p.weights.size(), 0);
    Cover out;
    out.method = method;
    while (!chosen.empty()) {
        std::size_t best = 0;
        double best_gain = -1.0;
        for (std::size_t k = 0; k < chosen.size(); ++k) {
            double g = 0.0;
            for (auto i : reach[chosen[k]])
                if (!covered[i]) g += p.weights[i];
            if (g > best_gain) {
                best = k;
                best_gain = g;
            }
        }
        for (auto i : reach[chosen[best]]) covered[i] = 1;
        out.sites.push_back(p.candidates[chosen[best]]);
        out.gains.push_back(best_gain);
        out.covered += best_gain;
        chosen.erase(chosen.begin() + static_cast<std::ptrdiff_t>(best));
    }
    return out;
}
#endif

Cover greedy_cover(const CoverProblem& p, int count) {
    const std::size_t nc = p.candidates.size();
    const auto reach = entries_of(p);
    std::vector<std::uint8_t> covered(p.weights.size(), 0), taken(nc, 0);
    Cover out;
    out.method = "greedy";
    for (int step = 0; step < count; ++step) {
        std::size_t best = nc;
        double best_gain = 0.0;
        for (std::size_t j = 0; j < nc; ++j) {
            if (taken[j]) continue;
            double g = 0.0;
            for (auto i : reach[j])
                if (!covered[i]) g += p.weights[i];
            if (best == nc || g > best_gain) {
                best = j;
                best_gain = g;
            }
        }
        if (best == nc || best_gain <= 0.0) break;
        taken[best] = 1;
        for (auto i : reach[best]) covered[i] = 1;
        out.sites.push_back(p.candidates[best]);
        out.gains.push_back(best_gain);
        out.covered += best_gain;
    }
    return out;
}

#ifdef LIFECIRCLE_HAVE_HIGHS
/// The one best site when it is unique (ties: none), as `exact_cover` would give it with
/// count 1: the integer programme's optimum is then that site, so HiGHS is not needed.
std::optional<std::uint32_t> unique_best_site(const CoverProblem& p) {
    const auto reach = entries_of(p);
    std::optional<std::uint32_t> best;
    double best_weight = -1.0;
    bool tied = false;
    for (std::uint32_t j = 0; j < reach.size(); ++j) {
        double w = 0.0;
        for (auto i : reach[j]) w += p.weights[i];
        if (w > best_weight) {
            best = j;
            best_weight = w;
            tied = false;
        } else if (w == best_weight) {
            tied = true;
        }
    }
    if (tied || best_weight <= 0.0) return std::nullopt;
    return best;
}

/// The covering programme in `h` (one thread, no output, `time_limit` seconds, gap 0):
/// columns x_j (binary, one per candidate), then y_i in [0, 1] for each demand entry some
/// candidate covers, costs w_i on the y_i (maximised) when `objective`; rows y_i - sum_{j covers
/// i} x_j <= 0, then sum_j x_j <= count. Returns the entries behind the y columns, in order.
std::vector<std::uint32_t> covering_programme(Highs& h, const CoverProblem& p, int count, double time_limit,
                                              bool objective) {
    // only demand entries that some candidate covers enter the programme
    std::vector<std::int64_t> remap(p.weights.size(), -1);
    std::vector<std::uint32_t> used;
    for (auto i : p.rows)
        if (remap[i] < 0) {
            remap[i] = static_cast<std::int64_t>(used.size());
            used.push_back(i);
        }
    const auto nx = static_cast<HighsInt>(p.candidates.size());
    const auto ny = static_cast<HighsInt>(used.size());
    h.setOptionValue("output_flag", false);
    h.setOptionValue("time_limit", time_limit);
    h.setOptionValue("mip_rel_gap", 0.0);
    h.setOptionValue("threads", 1);
    // columns: x_j (binary), then y_i in [0, 1]; maximise sum w_i y_i
    const HighsInt ncol = nx + ny;
    std::vector<double> lower(static_cast<std::size_t>(ncol), 0.0), upper(static_cast<std::size_t>(ncol), 1.0);
    std::vector<double> cost(static_cast<std::size_t>(ncol), 0.0);
    if (objective)
        for (HighsInt i = 0; i < ny; ++i)
            cost[static_cast<std::size_t>(nx + i)] = p.weights[used[static_cast<std::size_t>(i)]];
    std::vector<HighsInt> all(static_cast<std::size_t>(ncol));
    std::iota(all.begin(), all.end(), HighsInt{0});
    h.addVars(ncol, lower.data(), upper.data());
    h.changeColsCost(ncol, all.data(), cost.data());
    std::vector<HighsVarType> integer(static_cast<std::size_t>(nx), HighsVarType::kInteger);
    h.changeColsIntegrality(nx, all.data(), integer.data());
    h.changeObjectiveSense(ObjSense::kMaximize);
    // y_i - sum_{j covers i} x_j <= 0, one row per demand entry (the pairs are sorted by entry)
    std::vector<HighsInt> start, index;
    std::vector<double> value;
    for (std::size_t k = 0; k < p.rows.size(); ++k) {
        if (k == 0 || p.rows[k] != p.rows[k - 1]) {
            start.push_back(static_cast<HighsInt>(index.size()));
            index.push_back(nx + static_cast<HighsInt>(remap[p.rows[k]]));
            value.push_back(1.0);
        }
        index.push_back(static_cast<HighsInt>(p.cols[k]));
        value.push_back(-1.0);
    }
    const std::vector<double> row_lower(static_cast<std::size_t>(ny), -kHighsInf),
        row_upper(static_cast<std::size_t>(ny), 0.0);
    h.addRows(ny, row_lower.data(), row_upper.data(), static_cast<HighsInt>(index.size()), start.data(), index.data(),
              value.data());
    // at most `count` sites
    const std::vector<double> ones(static_cast<std::size_t>(nx), 1.0);
    h.addRow(-kHighsInf, static_cast<double>(count), nx, all.data(), ones.data());
    return used;
}

Cover exact_cover(const CoverProblem& p, int count, double time_limit) {
    Highs h;
    covering_programme(h, p, count, time_limit, true);
    const auto nx = static_cast<HighsInt>(p.candidates.size());
    if (h.run() != HighsStatus::kOk && h.getModelStatus() != HighsModelStatus::kTimeLimit)
        throw ArgumentError("exact covering: HiGHS failed (" + h.modelStatusToString(h.getModelStatus()) + ")");
    const auto& x = h.getSolution().col_value;
    std::vector<std::uint32_t> chosen;
    for (HighsInt j = 0; j < nx; ++j)
        if (x[static_cast<std::size_t>(j)] > 0.5) chosen.push_back(static_cast<std::uint32_t>(j));
    Cover out = in_gain_order(p, std::move(chosen), "exact");
    std::string status = h.modelStatusToString(h.getModelStatus());
    std::transform(status.begin(), status.end(), status.begin(), [](unsigned char ch) { return std::tolower(ch); });
    out.status = status;
    const double gap = h.getInfo().mip_gap;
    out.gap = std::isfinite(gap) ? gap : 0.0;
    return out;
}
#endif

}  // namespace

bool exact_cover_available() {
#ifdef LIFECIRCLE_HAVE_HIGHS
    return true;
#else
    return false;
#endif
}

std::vector<double> cover_bounds(const CoverProblem& p, int count) {
    if (count < 0) throw ArgumentError("cover_bounds: count " + std::to_string(count) + "; expected 0 or more");
    const std::size_t nc = p.candidates.size();
    const auto reach = entries_of(p);
    std::vector<std::uint8_t> covered(p.weights.size(), 0);
    std::vector<double> bound(static_cast<std::size_t>(count) + 1, std::numeric_limits<double>::infinity());
    std::vector<double> gain(nc);
    double f = 0.0;  // f(G_k)
    for (int k = 0; k <= count; ++k) {
        for (std::size_t j = 0; j < nc; ++j) {
            gain[j] = 0.0;
            for (auto i : reach[j])
                if (!covered[i]) gain[j] += p.weights[i];
        }
        const auto best = static_cast<std::size_t>(std::max_element(gain.begin(), gain.end()) - gain.begin());
        std::vector<double> sorted = gain;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        double sum = f;
        for (int q = 0; q < count; ++q) {
            if (static_cast<std::size_t>(q) < nc) sum += sorted[static_cast<std::size_t>(q)];
            bound[static_cast<std::size_t>(q)] = std::min(bound[static_cast<std::size_t>(q)], sum);
        }
        if (k == count || nc == 0) break;
        for (auto i : reach[best]) covered[i] = 1;
        f += gain[best];
    }
    double all = 0.0;
    std::vector<std::uint8_t> any(p.weights.size(), 0);
    for (auto i : p.rows) any[i] = 1;
    for (std::size_t i = 0; i < any.size(); ++i)
        if (any[i]) all += p.weights[i];
    bound[static_cast<std::size_t>(count)] = all;
    return bound;
}

std::optional<bool> cover_reaches(const CoverProblem& problem, int count, double weight, double time_limit) {
    if (count < 0) throw ArgumentError("cover_reaches: count " + std::to_string(count) + "; expected 0 or more");
    if (weight <= 0.0) return true;
    if (count == 0 || problem.candidates.empty() || problem.rows.empty()) return false;
    if (greedy_cover(problem, count).covered >= weight) return true;
#ifdef LIFECIRCLE_HAVE_HIGHS
    // the programme without its objective, and a row: sum_i w_i y_i >= weight; the first
    // solution found answers yes, a proof that there is none answers no
    Highs h;
    const auto used = covering_programme(h, problem, count, time_limit, false);
    const auto nx = static_cast<HighsInt>(problem.candidates.size());
    std::vector<HighsInt> index(used.size());
    std::vector<double> value(used.size());
    for (std::size_t i = 0; i < used.size(); ++i) {
        index[i] = nx + static_cast<HighsInt>(i);
        value[i] = problem.weights[used[i]];
    }
    h.addRow(weight, kHighsInf, static_cast<HighsInt>(index.size()), index.data(), value.data());
    // A yes or a no here is a fact of the problem, whatever path the solver takes to it, so
    // options that change the path leave every list as it was; these change only the time.
    // Measured on the Yunfu lists 2025-2030 (138 questions): presolve and the feasibility-jump
    // heuristic took 72% of it (1.77 s of solver time against 0.49 s without them).
    h.setOptionValue("presolve", "off");
    h.setOptionValue("mip_heuristic_run_feasibility_jump", false);
    h.run();
    switch (h.getModelStatus()) {
        case HighsModelStatus::kOptimal:
            return true;
        case HighsModelStatus::kInfeasible:
            return false;
        default:
            return std::nullopt;  // out of time, or unsure: the caller solves in full
    }
#else
    (void)time_limit;
    return std::nullopt;
#endif
}

Cover max_cover(const CoverProblem& problem, int count, const std::string& method, double time_limit) {
    if (method != "exact" && method != "greedy")
        throw ArgumentError("covering method \"" + method + "\": expected \"exact\" or \"greedy\"");
    if (count < 0) throw ArgumentError("covering: count " + std::to_string(count) + "; expected 0 or more");
    if (count == 0 || problem.candidates.empty() || problem.rows.empty()) {
        Cover none;
        none.method = method;
        return none;
    }
    if (method == "greedy") return greedy_cover(problem, count);
#ifdef LIFECIRCLE_HAVE_HIGHS
    if (count == 1)
        if (const auto j = unique_best_site(problem)) return in_gain_order(problem, {*j}, "exact");
    return exact_cover(problem, count, time_limit);
#else
    (void)time_limit;
    throw ArgumentError(
        "covering method \"exact\" needs HiGHS, and this build has none (scripts/highs.sh builds it into "
        "build/deps/highs; then rebuild); or use method = \"greedy\"");
#endif
}

}  // namespace lifecircle
