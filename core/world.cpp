#include "core/world.hpp"

#include <algorithm>
#include <limits>

#include "core/rng.hpp"
#include "core/streams.hpp"

namespace lifecircle {

std::uint32_t open_slots(const Facility& f, const std::vector<TimeSlot>& slots) {
    if (f.mobile) return f.slot_mask;
    std::uint32_t mask = 0;
    for (std::size_t s = 0; s < slots.size(); ++s)
        if (f.open_hour < slots[s].end_hour && f.close_hour > slots[s].start_hour) mask |= 1U << s;
    return mask;
}

bool orders_delivery(const Scenario& sc, std::size_t d, int age, std::uint64_t id) {
    const auto& shares =
        sc.districts[d].delivery_app_users ? *sc.districts[d].delivery_app_users : sc.delivery.app_users;
    return CounterRng(sc.seed, streams::kDeliveryApp).uniform(id) < shares[static_cast<std::size_t>(age)];
}

std::vector<std::uint32_t> candidate_sites(const NodeSites& n, std::size_t d) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t v = 0; v < n.district.size(); ++v)
        if (n.district[v] == d && n.commercial[v]) out.push_back(v);
    if (out.empty())
        for (std::uint32_t v = 0; v < n.district.size(); ++v)
            if (n.district[v] == d) out.push_back(v);
    return out;
}

std::vector<std::uint32_t> candidate_sites(const World& w, std::size_t d) { return candidate_sites(node_sites(w), d); }

std::uint32_t nearest_site(const NodeSites& n, std::size_t d, const std::array<double, 2>& at, bool any_node) {
    std::vector<std::uint32_t> sites;
    if (any_node) {
        for (std::uint32_t v = 0; v < n.district.size(); ++v)
            if (n.district[v] == d) sites.push_back(v);
    } else {
        sites = candidate_sites(n, d);
    }
    if (sites.empty()) return 0;  // a district without nodes has no residents to plan for
    std::uint32_t best = sites.front();
    double best_d2 = std::numeric_limits<double>::infinity();
    for (auto v : sites) {
        const double dx = n.x[v] - at[0], dy = n.y[v] - at[1];
        if (dx * dx + dy * dy < best_d2) {
            best_d2 = dx * dx + dy * dy;
            best = v;
        }
    }
    return best;
}

std::uint32_t nearest_site(const World& w, std::size_t d, const std::array<double, 2>& at, bool any_node) {
    return nearest_site(node_sites(w), d, at, any_node);
}

std::vector<std::uint32_t> idle_sites(const NodeSites& n, std::size_t d,
                                      std::span<const std::array<double, 2>> places) {
    std::vector<std::uint32_t> out;
    if (std::find(n.district.begin(), n.district.end(), d) == n.district.end()) return out;
    for (const auto& at : places) {
        const auto v = nearest_site(n, d, at, true);
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    return out;
}

std::vector<std::uint32_t> idle_sites(const World& w, std::size_t d) {
    return idle_sites(node_sites(w), d, w.scenario.districts[d].idle_sites);
}

std::vector<std::int64_t> residents_per_node(const World& w) {
    std::vector<std::int64_t> out(w.network.num_nodes(), 0);
    for (auto node : w.residents.home_node) ++out[node];
    return out;
}

}  // namespace lifecircle
