#include "models/facility_reach.hpp"

#include <algorithm>

#include <tbb/parallel_for.h>

namespace lifecircle {

FacilityReach::FacilityReach(const World& w, int k, double radius) {
    const std::size_t nc = w.scenario.categories.size();
    std::vector<std::vector<std::uint32_t>> nodes(nc);
    m_facility.assign(nc, {});
    for (std::uint32_t f = 0; f < w.facilities.size(); ++f)
        for (std::size_t c = 0; c < nc; ++c)
            if (serves(w.facilities[f], c)) {
                m_local[key(f, c)] = static_cast<std::uint32_t>(m_facility[c].size());
                m_facility[c].push_back(f);
                nodes[c].push_back(w.facilities[f].node);
            }
    m_tables = build_reach_tables(w.network, nodes, k, radius);
    m_changed.assign(nc, 1);
    m_everywhere.assign(nc, 1);
    m_nodes.assign(nc, {});
}

FacilityReach::FacilityReach(const World& w, int k, double radius, const std::vector<std::vector<std::uint32_t>>& order)
    : m_facility(order) {
    std::vector<std::vector<std::uint32_t>> nodes(order.size());
    for (std::size_t c = 0; c < order.size(); ++c)
        for (std::uint32_t local = 0; local < order[c].size(); ++local) {
            m_local[key(order[c][local], c)] = local;
            nodes[c].push_back(w.facilities.at(order[c][local]).node);
        }
    m_tables = build_reach_tables(w.network, nodes, k, radius);
    for (std::size_t c = 0; c < order.size(); ++c)
        for (std::uint32_t local = 0; local < order[c].size(); ++local)
            if (w.facilities[order[c][local]].state != FacilityState::open) m_tables[c].close(local);
    m_changed.assign(order.size(), 1);
    m_everywhere.assign(order.size(), 1);
    m_nodes.assign(order.size(), {});
}

void FacilityReach::clear_changed() {
    std::fill(m_changed.begin(), m_changed.end(), 0);
    std::fill(m_everywhere.begin(), m_everywhere.end(), 0);
    for (auto& nodes : m_nodes) nodes.clear();
}

void FacilityReach::note_update(std::size_t c) {
    m_changed[c] = 1;
    if (m_everywhere[c]) return;
    const auto& rows = m_tables[c].last_update();
    m_nodes[c].insert(m_nodes[c].end(), rows.begin(), rows.end());
}

void FacilityReach::add(const World& w, std::uint32_t id, std::size_t c) {
    const auto local = m_tables[c].open(w.facilities[id].node);
    if (m_facility[c].size() <= local) m_facility[c].resize(local + 1);
    m_facility[c][local] = id;
    m_local[key(id, c)] = local;
    note_update(c);
}

void FacilityReach::add_all(const World& w, std::span<const std::uint32_t> ids) {
    // each task writes only its category's table, entries and change notes; the shared map
    // of table entries after
    std::vector<std::vector<std::uint32_t>> locals(m_tables.size());
    tbb::parallel_for(std::size_t{0}, m_tables.size(), [&](std::size_t c) {
        for (auto id : ids)
            if (serves(w.facilities[id], c)) {
                const auto local = m_tables[c].open(w.facilities[id].node);
                if (m_facility[c].size() <= local) m_facility[c].resize(local + 1);
                m_facility[c][local] = id;
                locals[c].push_back(local);
                note_update(c);
            }
    });
    for (std::size_t c = 0; c < m_tables.size(); ++c)
        for (auto local : locals[c]) m_local[key(m_facility[c][local], c)] = local;
}

void FacilityReach::remove(const Facility& f, std::uint32_t id) {
    for (std::size_t c = 0; c < m_tables.size(); ++c)
        if (serves(f, c)) {
            m_tables[c].close(m_local.at(key(id, c)));
            note_update(c);
        }
}

void FacilityReach::remove_all(const World& w, std::span<const std::uint32_t> ids) {
    // each task writes only its category's table and change notes
    tbb::parallel_for(std::size_t{0}, m_tables.size(), [&](std::size_t c) {
        for (auto id : ids)
            if (serves(w.facilities[id], c)) {
                m_tables[c].close(m_local.at(key(id, c)));
                note_update(c);
            }
    });
}

void FacilityReach::touch(const Facility& f) {
    for (std::size_t c = 0; c < m_tables.size(); ++c)
        if (serves(f, c)) m_changed[c] = m_everywhere[c] = 1;
}

std::uint32_t open_facility(World& w, FacilityReach& reach, Facility f, std::int64_t day) {
    return open_facilities(w, reach, {&f, 1}, day);
}

std::uint32_t open_facilities(World& w, FacilityReach& reach, std::span<const Facility> facilities, std::int64_t day) {
    const auto first = static_cast<std::uint32_t>(w.facilities.size());
    std::vector<std::uint32_t> ids;
    for (Facility f : facilities) {
        f.opened_day = static_cast<std::int32_t>(day);
        f.slot_mask = open_slots(f, w.scenario.slots);
        ids.push_back(static_cast<std::uint32_t>(w.facilities.size()));
        w.facilities.push_back(f);
    }
    reach.add_all(w, ids);
    return first;
}

void close_facility(World& w, FacilityReach& reach, std::uint32_t id, std::int64_t day) {
    close_facilities(w, reach, {&id, 1}, day);
}

void close_facilities(World& w, FacilityReach& reach, std::span<const std::uint32_t> ids, std::int64_t day) {
    std::vector<std::uint32_t> closing;
    for (auto id : ids) {
        auto& f = w.facilities[id];
        if (f.state != FacilityState::open) continue;
        f.state = FacilityState::closed;
        f.closed_day = static_cast<std::int32_t>(day);
        closing.push_back(id);
    }
    reach.remove_all(w, closing);
}

std::uint32_t SiteChooser::best_site(const World& w, const FacilityReach& reach, std::size_t d, std::size_t c,
                                     const std::vector<std::int64_t>& per_node) {
    const double ring = w.scenario.ring_metres(c, static_cast<int>(AgeGroup::working));
    auto [it, fresh] = m_balls.try_emplace({d, ring});
    if (fresh) it->second = site_balls(w.network, candidate_sites(w, d), ring);
    if (it->second.candidates.empty()) return w.district_centre[d];
    std::vector<double> weights(per_node.begin(), per_node.end());
    std::vector<std::uint8_t> covered(weights.size());
    for (std::uint32_t u = 0; u < covered.size(); ++u) covered[u] = reach.nearest(c, u) <= ring;
    return greedy_sites(it->second, weights, std::move(covered), 1).front().node;
}

}  // namespace lifecircle
