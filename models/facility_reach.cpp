#include "models/facility_reach.hpp"

#include <algorithm>
#include <numeric>

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
    // an entry is open when its facility is open, still serves c, and it is the facility's
    // latest entry in c: a rule's end (policy's drop_categories) takes a shop out of every
    // table and puts it back into those it still serves, and its old entries stay, closed
    for (std::size_t c = 0; c < order.size(); ++c)
        for (std::uint32_t local = 0; local < order[c].size(); ++local) {
            const auto id = order[c][local];
            const Facility& f = w.facilities[id];
            if (f.state != FacilityState::open || !serves(f, c) || m_local.at(key(id, c)) != local)
                m_tables[c].close(local);
        }
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
    const std::size_t nc = m_tables.size();
    std::vector<std::vector<std::uint32_t>> closing(nc);  // per category: table entries, in order
    bool any = false;
    for (auto id : ids)
        for (std::size_t c = 0; c < nc; ++c)
            if (serves(w.facilities[id], c)) {
                closing[c].push_back(m_local.at(key(id, c)));
                any = true;
            }
    if (!any) return;
    // over processes: the categories dealt out by their closings (the most first, each to the
    // process with the fewest so far; the same deal on every process)
    std::vector<std::uint8_t> mine(nc, 1);
    if (m_share.divided()) {
        std::vector<std::size_t> order(nc);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return closing[a].size() > closing[b].size(); });
        std::vector<std::size_t> load(static_cast<std::size_t>(m_share.count), 0);
        for (auto c : order) {
            const auto to = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
            load[to] += closing[c].size();
            mine[c] = static_cast<int>(to) == m_share.index;
        }
    }
    // each task writes only its category's table and change notes
    std::vector<std::vector<std::uint32_t>> touched(nc);
    tbb::parallel_for(std::size_t{0}, nc, [&](std::size_t c) {
        if (!mine[c]) return;
        for (auto local : closing[c]) {
            m_tables[c].close(local);
            note_update(c);
            if (m_share.divided()) {
                const auto& rows = m_tables[c].last_update();
                touched[c].insert(touched[c].end(), rows.begin(), rows.end());
            }
        }
    });
    if (m_share.divided()) share_closings(closing, mine, touched);
}

void FacilityReach::share_closings(const std::vector<std::vector<std::uint32_t>>& closing,
                                   const std::vector<std::uint8_t>& mine,
                                   std::vector<std::vector<std::uint32_t>>& touched) {
    const std::size_t nc = m_tables.size();
    const auto k = static_cast<std::size_t>(m_tables.front().k());
    const std::size_t row_words = 1 + 2 * k;  // node, k distances (as their bits), k facilities
    // how many rows each category's process changed, once each in node order
    std::vector<std::int64_t> rows(nc, 0);
    for (std::size_t c = 0; c < nc; ++c) {
        if (!mine[c]) continue;
        std::sort(touched[c].begin(), touched[c].end());
        touched[c].erase(std::unique(touched[c].begin(), touched[c].end()), touched[c].end());
        rows[c] = static_cast<std::int64_t>(touched[c].size());
    }
    m_share.sum(rows);
    std::vector<std::size_t> start(nc + 1, 0);
    for (std::size_t c = 0; c < nc; ++c) start[c + 1] = start[c] + static_cast<std::size_t>(rows[c]) * row_words;
    std::vector<std::int64_t> words(start[nc], 0);
    for (std::size_t c = 0; c < nc; ++c) {
        if (!mine[c]) continue;
        auto* at = &words[start[c]];
        for (auto v : touched[c]) {
            *at++ = v;
            for (double d : m_tables[c].row_distances(v)) *at++ = WorkShare::word(d);
            for (std::int32_t f : m_tables[c].row_facilities(v)) *at++ = f;
        }
    }
    m_share.sum(words);
    std::vector<double> distances(k);
    std::vector<std::int32_t> facilities(k);
    for (std::size_t c = 0; c < nc; ++c) {
        if (mine[c] || closing[c].empty()) continue;
        for (auto local : closing[c]) m_tables[c].close_without_rows(local);
        for (std::size_t r = 0; r < static_cast<std::size_t>(rows[c]); ++r) {
            const auto* at = &words[start[c] + r * row_words];
            const auto v = static_cast<std::uint32_t>(at[0]);
            for (std::size_t i = 0; i < k; ++i) {
                distances[i] = WorkShare::real(at[1 + i]);
                facilities[i] = static_cast<std::int32_t>(at[1 + k + i]);
            }
            m_tables[c].set_row(v, distances, facilities);
            if (!m_everywhere[c]) m_nodes[c].push_back(v);
        }
        m_changed[c] = 1;
    }
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
