#include "core/reach_table.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <queue>
#include <string>

#include <tbb/parallel_for.h>

#include "core/error.hpp"

namespace lifecircle {

namespace detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// A search label: facility f reaches node v at distance d (metres).
struct Label {
    double d;
    std::uint32_t f;
    std::uint32_t v;
};

/// Min-heap order on (d, f, v): labels of a node pop in (distance, facility) order.
struct LabelAfter {
    bool operator()(const Label& a, const Label& b) const {
        if (a.d != b.d) return a.d > b.d;
        if (a.f != b.f) return a.f > b.f;
        return a.v > b.v;
    }
};

/// Bounded multi-source Dijkstra keeping the k best (distance, facility) labels a node.
///
/// A node accepts a label while it has fewer than k, or when the label ties its k-th
/// distance (ties must travel on, or a facility with a lower index could be lost behind
/// them). Pruning a label at a node with k strictly closer facilities is exact: those k
/// are then strictly closer to every node beyond it along that path too.
template <class Store>
void k_label_search(const WalkNetwork& net, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& sources,
                    double max_distance, Store& store) {
    std::priority_queue<Label, std::vector<Label>, LabelAfter> queue;
    for (const auto& [node, f] : sources) queue.push({0.0, f, node});
    const auto targets = net.targets();
    const auto lengths = net.lengths();
    while (!queue.empty()) {
        const Label top = queue.top();
        queue.pop();
        if (!store.accepts(top.v, top.d) || store.has(top.v, top.f)) continue;
        store.add(top.v, top.d, top.f);
        for (auto a = net.begin(top.v); a < net.end(top.v); ++a) {
            const double nd = top.d + lengths[a];
            if (nd > max_distance) continue;
            const auto u = targets[a];
            if (!store.accepts(u, nd) || store.has(u, top.f)) continue;
            queue.push({nd, top.f, u});
        }
    }
}

/// Labels written straight into a table's dense arrays; tie overflow beyond k kept aside.
struct DenseStore {
    int k;
    double* dist;
    std::int32_t* fac;
    std::vector<std::uint32_t> count;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> overflow;

    bool accepts(std::uint32_t v, double d) const {
        return count[v] < static_cast<std::uint32_t>(k) || d <= dist[static_cast<std::size_t>(v) * k + k - 1];
    }
    bool has(std::uint32_t v, std::uint32_t f) const {
        const auto base = static_cast<std::size_t>(v) * k;
        const auto n = std::min<std::uint32_t>(count[v], k);
        for (std::uint32_t i = 0; i < n; ++i)
            if (fac[base + i] == static_cast<std::int32_t>(f)) return true;
        if (count[v] > static_cast<std::uint32_t>(k)) {
            const auto& extra = overflow.at(v);
            return std::find(extra.begin(), extra.end(), f) != extra.end();
        }
        return false;
    }
    void add(std::uint32_t v, double d, std::uint32_t f) {
        if (count[v] < static_cast<std::uint32_t>(k)) {
            const auto i = static_cast<std::size_t>(v) * k + count[v];
            dist[i] = d;
            fac[i] = static_cast<std::int32_t>(f);
        } else {
            overflow[v].push_back(f);
        }
        ++count[v];
    }
};

/// Labels for a local recomputation after a closing (ReachTable::close): only nodes of the
/// search area (`index` >= 0, with their distances `from_closed` to the closed facility), in
/// dense arrays as DenseStore's. The rows recomputed are those of nodes v at most R (the
/// farthest of them) from the closed facility. A label (d, f) at a node u is useful only if it
/// reaches such a v within max_distance: then d + dist(u, v) <= max_distance and
/// dist(u, closed) <= R + dist(u, v), so d + dist(u, closed) <= max_distance + R. Labels beyond
/// that `bound` are refused; every label of a shortest path that ends at such a v within
/// max_distance passes it, so the rows recomputed are those of the unbounded search.
struct LocalStore {
    int k;
    double bound;
    const std::vector<std::int32_t>& index;  // per network node: local index, or -1
    const std::vector<double>& from_closed;  // per local index
    std::vector<double> dist;
    std::vector<std::int32_t> fac;
    std::vector<std::uint32_t> count;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> overflow;

    LocalStore(int k_, double bound_, const std::vector<std::int32_t>& index_, const std::vector<double>& from_)
        : k(k_),
          bound(bound_),
          index(index_),
          from_closed(from_),
          dist(from_.size() * static_cast<std::size_t>(k_), kInf),
          fac(from_.size() * static_cast<std::size_t>(k_), kNoFacility),
          count(from_.size(), 0) {}

    bool accepts(std::uint32_t v, double d) const {
        const std::int32_t i = index[v];
        if (i < 0 || d + from_closed[static_cast<std::size_t>(i)] > bound) return false;
        const auto l = static_cast<std::size_t>(i);
        return count[l] < static_cast<std::uint32_t>(k) || d <= dist[l * k + k - 1];
    }
    bool has(std::uint32_t v, std::uint32_t f) const {
        const auto l = static_cast<std::size_t>(index[v]);
        const auto base = l * k;
        const auto n = std::min<std::uint32_t>(count[l], k);
        for (std::uint32_t i = 0; i < n; ++i)
            if (fac[base + i] == static_cast<std::int32_t>(f)) return true;
        if (count[l] > static_cast<std::uint32_t>(k)) {
            const auto& extra = overflow.at(static_cast<std::uint32_t>(l));
            return std::find(extra.begin(), extra.end(), f) != extra.end();
        }
        return false;
    }
    void add(std::uint32_t v, double d, std::uint32_t f) {
        const auto l = static_cast<std::size_t>(index[v]);
        if (count[l] < static_cast<std::uint32_t>(k)) {
            const auto i = l * k + count[l];
            dist[i] = d;
            fac[i] = static_cast<std::int32_t>(f);
        } else {
            overflow[static_cast<std::uint32_t>(l)].push_back(f);
        }
        ++count[l];
    }
};

}  // namespace detail

std::vector<std::pair<std::uint32_t, double>> bounded_dijkstra(const WalkNetwork& network, std::uint32_t source,
                                                               double max_distance) {
    using Item = std::pair<double, std::uint32_t>;
    // the best distance so far per node: a dense array kept by each thread across calls, put
    // back to +inf at the nodes a call reached (a hash map of them took most of the time on
    // large towns, where a ball holds tens of thousands of nodes)
    thread_local std::vector<double> best;
    thread_local std::vector<std::uint32_t> reached;
    if (best.size() < network.num_nodes()) best.resize(network.num_nodes(), detail::kInf);
    struct Reset {
        ~Reset() {
            for (auto v : reached) best[v] = detail::kInf;
            reached.clear();
        }
    } reset;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    std::vector<std::pair<std::uint32_t, double>> settled;
    queue.push({0.0, source});
    best[source] = 0.0;
    reached.push_back(source);
    const auto targets = network.targets();
    const auto lengths = network.lengths();
    while (!queue.empty()) {
        const auto [d, v] = queue.top();
        queue.pop();
        if (d > best[v]) continue;
        settled.emplace_back(v, d);
        for (auto a = network.begin(v); a < network.end(v); ++a) {
            const double nd = d + lengths[a];
            if (nd > max_distance) continue;
            const auto u = targets[a];
            if (!(nd < best[u])) continue;
            if (best[u] == detail::kInf) reached.push_back(u);
            best[u] = nd;
            queue.push({nd, u});
        }
    }
    return settled;
}

ReachTable::ReachTable(const WalkNetwork& network, std::vector<std::uint32_t> facility_nodes, int k,
                       double max_distance)
    : m_network(&network), m_k(k), m_max_distance(max_distance), m_facility_node(std::move(facility_nodes)) {
    if (k < 1 || k > 1024) throw ArgumentError("reach table: k is " + std::to_string(k) + "; expected 1 to 1024");
    if (!std::isfinite(max_distance) || max_distance < 0.0)
        throw ArgumentError("reach table: max_distance is " + std::to_string(max_distance) +
                            "; expected a finite distance >= 0 metres");
    if (network.num_nodes() == 0) throw ArgumentError("reach table: the network has no nodes");
    const std::size_t n = network.num_nodes();
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sources;
    sources.reserve(m_facility_node.size());
    for (std::uint32_t f = 0; f < m_facility_node.size(); ++f) {
        if (m_facility_node[f] >= n)
            throw ArgumentError("reach table: facility " + std::to_string(f) + " is on node " +
                                std::to_string(m_facility_node[f]) + ", but the network has " + std::to_string(n) +
                                " nodes");
        sources.emplace_back(m_facility_node[f], f);
        m_facilities_at[m_facility_node[f]].push_back(f);
    }
    m_open.assign(m_facility_node.size(), 1);
    m_distance.assign(n * k, detail::kInf);
    m_facility.assign(n * k, kNoFacility);
    detail::DenseStore store{k, m_distance.data(), m_facility.data(), std::vector<std::uint32_t>(n, 0), {}};
    detail::k_label_search(network, sources, max_distance, store);
    m_count.resize(n);
    for (std::size_t v = 0; v < n; ++v)
        m_count[v] = static_cast<std::uint16_t>(std::min<std::uint32_t>(store.count[v], k));
}

void ReachTable::insert_label(std::uint32_t node, double d, std::uint32_t f) {
    const auto base = static_cast<std::size_t>(node) * m_k;
    auto before = [&](int i) {  // (d, f) sorts before slot i
        return d < m_distance[base + i] ||
               (d == m_distance[base + i] && static_cast<std::int32_t>(f) < m_facility[base + i]);
    };
    int pos = m_count[node];
    if (pos == m_k && !before(m_k - 1)) return;
    if (pos == m_k)
        --pos;  // the last one falls off
    else
        ++m_count[node];
    while (pos > 0 && before(pos - 1)) {
        m_distance[base + pos] = m_distance[base + pos - 1];
        m_facility[base + pos] = m_facility[base + pos - 1];
        --pos;
    }
    m_distance[base + pos] = d;
    m_facility[base + pos] = static_cast<std::int32_t>(f);
    ++m_last_update_nodes;
}

std::uint32_t ReachTable::open(std::uint32_t node) {
    if (node >= num_nodes())
        throw ArgumentError("reach table: cannot open a facility on node " + std::to_string(node) +
                            "; the network has " + std::to_string(num_nodes()) + " nodes");
    const auto f = static_cast<std::uint32_t>(m_facility_node.size());
    m_facility_node.push_back(node);
    m_open.push_back(1);
    m_facilities_at[node].push_back(f);
    m_last_update_nodes = 0;
    m_last_update.clear();
    for (const auto& [v, d] : bounded_dijkstra(*m_network, node, m_max_distance)) {
        insert_label(v, d, f);
        m_last_update.push_back(v);
    }
    return f;
}

std::uint32_t ReachTable::take_out(std::uint32_t f) {
    if (f >= m_facility_node.size() || !m_open[f])
        throw ArgumentError("reach table: facility " + std::to_string(f) + " is not open");
    const auto node = m_facility_node[f];
    m_open[f] = 0;
    auto& here = m_facilities_at[node];
    here.erase(std::find(here.begin(), here.end(), f));
    m_last_update_nodes = 0;
    m_last_update.clear();
    return node;
}

void ReachTable::close_without_rows(std::uint32_t f) { take_out(f); }

void ReachTable::set_row(std::uint32_t node, std::span<const double> distances,
                         std::span<const std::int32_t> facilities) {
    if (node >= num_nodes() || distances.size() != static_cast<std::size_t>(m_k) ||
        facilities.size() != static_cast<std::size_t>(m_k))
        throw ArgumentError("reach table: a row for node " + std::to_string(node) + " of " +
                            std::to_string(num_nodes()) + " with " + std::to_string(distances.size()) +
                            " places; expected k = " + std::to_string(m_k));
    const auto base = static_cast<std::size_t>(node) * m_k;
    int count = 0;
    for (int i = 0; i < m_k; ++i) {
        m_distance[base + i] = distances[static_cast<std::size_t>(i)];
        m_facility[base + i] = facilities[static_cast<std::size_t>(i)];
        count += facilities[static_cast<std::size_t>(i)] != kNoFacility;
    }
    m_count[node] = static_cast<std::uint16_t>(count);
}

void ReachTable::close(std::uint32_t f) {
    const auto node = take_out(f);

    std::vector<std::uint32_t> affected;
    double farthest = 0.0;  // the affected node farthest from f, metres
    for (const auto& [v, d] : bounded_dijkstra(*m_network, node, m_max_distance)) {
        const auto base = static_cast<std::size_t>(v) * m_k;
        for (int i = 0; i < m_count[v]; ++i)
            if (m_facility[base + i] == static_cast<std::int32_t>(f)) {
                affected.push_back(v);
                farthest = std::max(farthest, d);
                break;
            }
    }
    if (affected.empty()) return;

    // Every facility within max_distance of an affected node lies within max_distance plus
    // the farthest affected node's distance of f, and every label on its way there within that
    // bound counting its distance from f (detail::LocalStore; a little slack covers rounding).
    const double radius = (m_max_distance + farthest) * (1.0 + 1e-9) + 1e-6;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sources;
    std::vector<std::int32_t> index(num_nodes(), -1);
    std::vector<double> from_closed;
    for (const auto& [v, d] : bounded_dijkstra(*m_network, node, radius)) {
        index[v] = static_cast<std::int32_t>(from_closed.size());
        from_closed.push_back(d);
        auto it = m_facilities_at.find(v);
        if (it == m_facilities_at.end()) continue;
        for (auto g : it->second) sources.emplace_back(v, g);
    }
    detail::LocalStore store(m_k, radius, index, from_closed);
    detail::k_label_search(*m_network, sources, m_max_distance, store);
    for (auto v : affected) {
        const auto base = static_cast<std::size_t>(v) * m_k;
        const auto local = static_cast<std::size_t>(index[v]);  // (within max_distance of the closed one)
        const int found = static_cast<int>(std::min<std::uint32_t>(store.count[local], m_k));
        int filled = 0;
        for (; filled < found; ++filled) {
            m_distance[base + filled] = store.dist[local * m_k + filled];
            m_facility[base + filled] = store.fac[local * m_k + filled];
        }
        m_count[v] = static_cast<std::uint16_t>(filled);
        for (int i = filled; i < m_k; ++i) {
            m_distance[base + i] = detail::kInf;
            m_facility[base + i] = kNoFacility;
        }
    }
    m_last_update_nodes = affected.size();
    m_last_update = std::move(affected);
}

std::vector<ReachTable> build_reach_tables(const WalkNetwork& network,
                                           const std::vector<std::vector<std::uint32_t>>& facility_nodes, int k,
                                           double max_distance) {
    std::vector<std::unique_ptr<ReachTable>> built(facility_nodes.size());
    tbb::parallel_for(std::size_t{0}, facility_nodes.size(), [&](std::size_t c) {
        built[c] = std::make_unique<ReachTable>(network, facility_nodes[c], k, max_distance);
    });
    std::vector<ReachTable> tables;
    tables.reserve(built.size());
    for (auto& t : built) tables.push_back(std::move(*t));
    return tables;
}

}  // namespace lifecircle
