#include "models/project_list.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include <tbb/parallel_for.h>

#include "core/covering.hpp"
#include "core/reach_table.hpp"

namespace lifecircle {

namespace {

/// Whether age group a makes trips for category c on any kind of day (the category's users).
bool uses(const Category& cat, int a) {
    for (const auto& by_age : cat.trips_per_day)
        if (by_age[static_cast<std::size_t>(a)] > 0.0) return true;
    return false;
}

/// The category's gap before the list: each user's distance to the nearest facility that
/// serves it (open now, or an earlier list's project not yet opened).
struct Gap {
    std::size_t category = 0;
    int basic_first = 0;      // 0 basic, 1 the others
    double share = 0;         // users inside their ring
    std::vector<double> now;  // per node: distance to the nearest facility, metres
};

/// Distances from every node to the nearest of `sites`, within `radius` metres (+inf beyond).
std::vector<double> distance_from(const WalkNetwork& net, const std::vector<std::uint32_t>& sites, double radius) {
    std::vector<double> out(net.num_nodes(), std::numeric_limits<double>::infinity());
    for (auto s : sites)
        for (const auto& [v, d] : bounded_dijkstra(net, s, radius)) out[v] = std::min(out[v], d);
    return out;
}

}  // namespace

std::vector<Project> draw_project_list(const World& world, const FacilityReach& reach,
                                       const std::vector<std::uint32_t>& members, const ListRequest& request,
                                       const std::vector<Project>& earlier, const WorkShare& share) {
    const Scenario& sc = world.scenario;
    const WalkNetwork& net = world.network;
    const auto d = request.district;
    std::vector<Project> out;
    if (members.empty()) return out;
    const auto& home = world.residents.home_node;
    const auto& age = world.residents.age;
    const auto candidates = candidate_sites(world, d);
    std::vector<std::uint32_t> idle_free;
    for (auto v : idle_sites(world, d))
        if (std::none_of(earlier.begin(), earlier.end(), [&](const Project& p) { return p.idle && p.site == v; }))
            idle_free.push_back(v);

    // each category's share of users inside their ring now; basic categories first, the worst first
    std::vector<Gap> gaps;
    for (std::size_t c = 0; c < sc.categories.size(); ++c) {
        const Category& cat = sc.categories[c];
        if (!((request.categories >> c) & 1U)) continue;  // not a category this circle's class covers
        std::int64_t users = 0, inside = 0;
        double widest = 0.0;
        for (int a = 0; a < kAgeGroups; ++a) widest = std::max(widest, sc.ring_metres(c, a));
        std::vector<std::uint32_t> pending;
        for (const auto& p : earlier)
            if (p.facility < 0 && static_cast<std::size_t>(p.category) == c) pending.push_back(p.site);
        Gap g;
        g.category = c;
        g.basic_first = cat.cls == CategoryClass::basic ? 0 : 1;
        g.now = distance_from(net, pending, widest);
        for (std::uint32_t v = 0; v < net.num_nodes(); ++v) g.now[v] = std::min(g.now[v], reach.nearest(c, v));
        for (auto i : members) {
            if (!uses(cat, age[i])) continue;
            ++users;
            inside += g.now[home[i]] <= sc.ring_metres(c, age[i]);
        }
        if (users == 0) continue;
        g.share = static_cast<double>(inside) / static_cast<double>(users);
        gaps.push_back(std::move(g));
    }
    std::stable_sort(gaps.begin(), gaps.end(), [](const Gap& a, const Gap& b) {
        return std::tie(a.basic_first, a.share) < std::tie(b.basic_first, b.share);
    });

    // Each category below its target gets sites: the district's idle public sites first, then
    // its commercial sites for what is missing. Without a budget the categories' commercial
    // sites do not depend on one another (only the idle ones are shared, taken in order), so
    // those covering problems are solved in parallel, each as it would be alone.
    struct Chosen {
        std::uint32_t site;
        double gain;
        bool idle;
        bool exact;
        double gap;
        double after;
    };
    struct Plan {
        Gap* gap = nullptr;
        std::array<double, kAgeGroups> ring{};
        double widest = 0.0;
        std::vector<std::uint32_t> users;
        int affordable = 0;
        std::vector<Chosen> chosen;
    };
    // the sites of one pool for a category's users not yet inside their ring
    auto choose = [&](Plan& plan, bool is_idle) {
        Gap& g = *plan.gap;
        const auto& pool = is_idle ? idle_free : candidates;
        const auto& ring = plan.ring;
        const auto n = static_cast<double>(plan.users.size());
        // the demand: users not yet inside their own ring, by home node and age group
        std::map<std::pair<std::uint32_t, int>, double> outside;
        double inside = 0.0;
        for (auto i : plan.users) {
            if (g.now[home[i]] > ring[age[i]])
                outside[{home[i], age[i]}] += 1.0;
            else
                inside += 1.0;
        }
        const double need = request.target * n - inside;
        const int count = std::min(kMaxListSites, plan.affordable) - static_cast<int>(plan.chosen.size());
        if (count <= 0 || pool.empty() || outside.empty() || need <= 0.0) return;
        std::vector<std::uint32_t> demand;
        std::vector<double> weights, rings;
        for (const auto& [key, w] : outside) {
            demand.push_back(key.first);
            weights.push_back(w);
            rings.push_back(ring[static_cast<std::size_t>(key.second)]);
        }
        const CoverProblem problem = coverage_problem(net, pool, demand, weights, rings);
        // The fewest sites that reach the target. A count that cannot cover the least of the
        // need and all that the pool covers is skipped: its solution would cover less than the
        // need with every one of its sites (fewer would leave coverable weight), so the loop
        // would go on past it. First the greedy bound; then, for the exact method, the
        // question put to HiGHS as one of feasibility, cheaper than the optimum. The weights
        // are counts: covering `reach` (half a resident short of the integer) is covering
        // the target, with a margin for the solver's tolerance.
        const auto bound = cover_bounds(problem, count);
        const double reach = std::ceil(std::min(need, bound.back())) - 0.5;
        Cover best;
        for (int p = 1; p <= count; ++p) {
            if (p < count) {
                if (bound[static_cast<std::size_t>(p - 1)] < reach) continue;
                if (request.method == "exact" && cover_reaches(problem, p, reach) == false) continue;
            }
            best = max_cover(problem, p, request.method);
            if (best.covered >= need || static_cast<int>(best.sites.size()) < p) break;
        }
        for (std::size_t k = 0; k < best.sites.size(); ++k) {
            if (best.gains[k] <= 0.0) continue;
            const auto site = best.sites[k];
            for (const auto& [v, dist] : bounded_dijkstra(net, site, plan.widest)) g.now[v] = std::min(g.now[v], dist);
            std::int64_t in = 0;
            for (auto i : plan.users) in += g.now[home[i]] <= ring[age[i]];
            plan.chosen.push_back({site, best.gains[k], is_idle, best.method == "exact", best.gap,
                                   n > 0 ? static_cast<double>(in) / n : 0.0});
            if (is_idle) idle_free.erase(std::find(idle_free.begin(), idle_free.end(), site));
        }
    };
    double left = request.budget_yuan.value_or(std::numeric_limits<double>::infinity());
    const bool unlimited = std::isinf(left);
    auto add_projects = [&](const Plan& plan) {
        const Gap& g = *plan.gap;
        const Category& cat = sc.categories[g.category];
        const double cost = cat.fitout_yuan_m2 * cat.floor_area_m2;
        for (std::size_t k = 0; k < plan.chosen.size(); ++k) {
            left -= cost;
            Project p;
            p.district = static_cast<std::int32_t>(d);
            p.category = static_cast<std::int32_t>(g.category);
            p.rank = static_cast<std::int32_t>(k + 1);
            p.site = plan.chosen[k].site;
            p.x = net.x()[p.site];
            p.y = net.y()[p.site];
            p.idle = plan.chosen[k].idle;
            p.gain = std::llround(plan.chosen[k].gain);
            p.in_ring = g.share;
            p.in_ring_after = plan.chosen[k].after;
            p.cost_yuan = cost;
            p.exact = plan.chosen[k].exact;
            p.gap = plan.chosen[k].gap;
            out.push_back(p);
        }
    };
    std::vector<Plan> plans;
    for (auto& g : gaps) {
        const Category& cat = sc.categories[g.category];
        const double cost = cat.fitout_yuan_m2 * cat.floor_area_m2;
        if (g.share >= request.target || cost > left) continue;
        Plan plan;
        plan.gap = &g;
        for (int a = 0; a < kAgeGroups; ++a) plan.ring[static_cast<std::size_t>(a)] = sc.ring_metres(g.category, a);
        plan.widest = *std::max_element(plan.ring.begin(), plan.ring.end());
        for (auto i : members)
            if (uses(cat, age[i])) plan.users.push_back(i);
        plan.affordable = std::min(
            cat.list_sites, cost <= 0.0 || unlimited ? kMaxListSites : static_cast<int>(std::floor(left / cost)));
        choose(plan, true);
        if (unlimited) {
            plans.push_back(std::move(plan));
            continue;
        }
        choose(plan, false);
        add_projects(plan);
    }
    // (HiGHS runs one solver a thread, each on its own model: the same solutions on any threads)
    tbb::parallel_for(std::size_t{0}, plans.size(), [&](std::size_t i) {
        if (share.mine(i)) choose(plans[i], false);
    });
    if (share.divided() && !plans.empty()) {  // every process gets every category's sites
        constexpr std::size_t kWords = 6, kPlan = 1 + kMaxListSites * kWords;
        std::vector<std::int64_t> words(plans.size() * kPlan, 0);
        for (std::size_t i = 0; i < plans.size(); ++i) {
            if (!share.mine(i)) continue;
            auto* w = &words[i * kPlan];
            w[0] = static_cast<std::int64_t>(plans[i].chosen.size());
            for (std::size_t k = 0; k < plans[i].chosen.size(); ++k) {
                const Chosen& ch = plans[i].chosen[k];
                auto* at = w + 1 + k * kWords;
                at[0] = ch.site;
                at[1] = WorkShare::word(ch.gain);
                at[2] = ch.idle;
                at[3] = ch.exact;
                at[4] = WorkShare::word(ch.gap);
                at[5] = WorkShare::word(ch.after);
            }
        }
        share.sum(words);
        for (std::size_t i = 0; i < plans.size(); ++i) {
            const auto* w = &words[i * kPlan];
            plans[i].chosen.resize(static_cast<std::size_t>(w[0]));
            for (std::size_t k = 0; k < plans[i].chosen.size(); ++k) {
                const auto* at = w + 1 + k * kWords;
                plans[i].chosen[k] = {static_cast<std::uint32_t>(at[0]),
                                      WorkShare::real(at[1]),
                                      at[2] != 0,
                                      at[3] != 0,
                                      WorkShare::real(at[4]),
                                      WorkShare::real(at[5])};
            }
        }
    }
    for (const auto& plan : plans) add_projects(plan);
    return out;
}

void phase_projects(std::vector<Project>& projects, const Date& drawn, int months) {
    const auto n = static_cast<int>(std::max<std::size_t>(1, projects.size()));
    for (std::size_t k = 0; k < projects.size(); ++k) {
        const int offset = static_cast<int>(k) * months / n;
        const int m = drawn.month - 1 + offset;
        const Date first_of{drawn.year + m / 12, m % 12 + 1, 1};
        projects[k].drawn_day = static_cast<std::int32_t>(drawn.days());
        projects[k].open_day = static_cast<std::int32_t>(std::max(drawn.days(), first_of.days()));
    }
}

}  // namespace lifecircle
