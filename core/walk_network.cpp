#include "core/walk_network.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_map>

#include "core/csv_reader.hpp"
#include "core/error.hpp"

namespace lifecircle {

namespace detail {

/// Union-find with path halving, for connected components.
class DisjointSets {
  public:
    explicit DisjointSets(std::size_t n) : m_parent(n) { std::iota(m_parent.begin(), m_parent.end(), 0U); }
    std::uint32_t find(std::uint32_t v) {
        while (m_parent[v] != v) {
            m_parent[v] = m_parent[m_parent[v]];
            v = m_parent[v];
        }
        return v;
    }
    void unite(std::uint32_t a, std::uint32_t b) {
        a = find(a);
        b = find(b);
        if (a != b) m_parent[std::max(a, b)] = std::min(a, b);
    }

  private:
    std::vector<std::uint32_t> m_parent;
};

}  // namespace detail

WalkNetwork WalkNetwork::from_arrays(std::vector<std::int64_t> node_ids, std::vector<double> x, std::vector<double> y,
                                     std::span<const std::int64_t> edge_from, std::span<const std::int64_t> edge_to,
                                     std::span<const double> edge_length, bool keep_largest_component,
                                     const std::string& source) {
    const std::string where = source + ": ";
    if (x.size() != node_ids.size() || y.size() != node_ids.size())
        throw InputError(where + "node arrays differ in length (ids " + std::to_string(node_ids.size()) + ", x " +
                         std::to_string(x.size()) + ", y " + std::to_string(y.size()) + ")");
    if (edge_to.size() != edge_from.size() || edge_length.size() != edge_from.size())
        throw InputError(where + "edge arrays differ in length (from " + std::to_string(edge_from.size()) + ", to " +
                         std::to_string(edge_to.size()) + ", length " + std::to_string(edge_length.size()) + ")");
    if (node_ids.empty()) throw InputError(where + "empty network: no nodes");
    if (edge_from.empty()) throw InputError(where + "empty network: no edges");
    if (node_ids.size() >= std::numeric_limits<std::uint32_t>::max())
        throw InputError(where + "too many nodes (at most 4,294,967,294)");

    std::unordered_map<std::int64_t, std::uint32_t> index;
    index.reserve(node_ids.size());
    for (std::size_t i = 0; i < node_ids.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
            throw InputError(where + "node " + std::to_string(node_ids[i]) + " has a non-finite coordinate");
        if (!index.emplace(node_ids[i], static_cast<std::uint32_t>(i)).second)
            throw InputError(where + "duplicate node id " + std::to_string(node_ids[i]));
    }

    const std::size_t n = node_ids.size();
    std::vector<std::uint32_t> from, to;
    std::vector<double> length;
    from.reserve(edge_from.size());
    to.reserve(edge_from.size());
    length.reserve(edge_from.size());
    NetworkReport report;
    report.source = source;
    report.input_nodes = n;
    report.input_edges = edge_from.size();
    for (std::size_t e = 0; e < edge_from.size(); ++e) {
        const double len = edge_length[e];
        if (!std::isfinite(len) || len < 0.0)
            throw InputError(where + "edge " + std::to_string(e) + " (" + std::to_string(edge_from[e]) + " -> " +
                             std::to_string(edge_to[e]) + ") has length " + std::to_string(len) +
                             "; expected a finite length >= 0 metres");
        auto a = index.find(edge_from[e]);
        auto b = index.find(edge_to[e]);
        if (a == index.end() || b == index.end())
            throw InputError(where + "edge " + std::to_string(e) + " refers to node " +
                             std::to_string(a == index.end() ? edge_from[e] : edge_to[e]) +
                             ", which is not in the node list");
        if (a->second == b->second) {
            ++report.dropped_edges;  // a self-loop never shortens a walk
            report.dropped_length += len;
            continue;
        }
        from.push_back(a->second);
        to.push_back(b->second);
        length.push_back(len);
    }

    // Connected components; the largest wins, ties go to the one with the lowest node index.
    detail::DisjointSets sets(n);
    for (std::size_t e = 0; e < from.size(); ++e) sets.unite(from[e], to[e]);
    std::vector<std::uint32_t> size(n, 0);
    for (std::uint32_t v = 0; v < n; ++v) ++size[sets.find(v)];
    std::uint32_t best = 0;
    for (std::uint32_t v = 0; v < n; ++v) {
        if (size[v] > 0) ++report.components;
        if (size[v] > size[best]) best = v;
    }

    std::vector<std::uint32_t> new_index(n, std::numeric_limits<std::uint32_t>::max());
    WalkNetwork net;
    for (std::uint32_t v = 0; v < n; ++v) {
        if (keep_largest_component && sets.find(v) != best) {
            ++report.dropped_nodes;
            continue;
        }
        new_index[v] = static_cast<std::uint32_t>(net.m_ids.size());
        net.m_ids.push_back(node_ids[v]);
        net.m_x.push_back(x[v]);
        net.m_y.push_back(y[v]);
    }
    for (std::size_t e = 0; e < from.size(); ++e) {
        if (new_index[from[e]] == std::numeric_limits<std::uint32_t>::max()) {
            ++report.dropped_edges;
            report.dropped_length += length[e];
            continue;
        }
        net.m_edge_from.push_back(new_index[from[e]]);
        net.m_edge_to.push_back(new_index[to[e]]);
        net.m_edge_length.push_back(length[e]);
    }

    // CSR: each undirected edge becomes two arcs, in edge order (stable, deterministic).
    const std::size_t m = net.m_ids.size();
    net.m_offsets.assign(m + 1, 0);
    for (std::size_t e = 0; e < net.m_edge_from.size(); ++e) {
        ++net.m_offsets[net.m_edge_from[e] + 1];
        ++net.m_offsets[net.m_edge_to[e] + 1];
    }
    std::partial_sum(net.m_offsets.begin(), net.m_offsets.end(), net.m_offsets.begin());
    net.m_targets.resize(net.m_offsets.back());
    net.m_lengths.resize(net.m_offsets.back());
    std::vector<std::uint32_t> fill(net.m_offsets.begin(), net.m_offsets.end() - 1);
    for (std::size_t e = 0; e < net.m_edge_from.size(); ++e) {
        const auto a = net.m_edge_from[e], b = net.m_edge_to[e];
        net.m_targets[fill[a]] = b;
        net.m_lengths[fill[a]++] = net.m_edge_length[e];
        net.m_targets[fill[b]] = a;
        net.m_lengths[fill[b]++] = net.m_edge_length[e];
    }
    net.m_report = report;
    return net;
}

WalkNetwork WalkNetwork::from_csv(const std::string& nodes_path, const std::string& edges_path,
                                  bool keep_largest_component) {
    CsvTable nodes = CsvTable::read(nodes_path, {"id", "x", "y"});
    CsvTable edges = CsvTable::read(edges_path, {"from", "to", "length"});
    auto ids = nodes.int_column("id");
    auto x = nodes.double_column("x");
    auto y = nodes.double_column("y");
    auto from = edges.int_column("from");
    auto to = edges.int_column("to");
    auto length = edges.double_column("length");
    // Edge rows are checked here so that an error can name the edges file and its line.
    std::unordered_map<std::int64_t, bool> known;
    known.reserve(ids.size());
    for (auto id : ids) known.emplace(id, true);
    for (std::size_t e = 0; e < from.size(); ++e) {
        const std::string at = edges_path + ":" + std::to_string(edges.line_of(e)) + ": ";
        if (!std::isfinite(length[e]) || length[e] < 0.0)
            throw InputError(at + "column 'length' is " + std::to_string(length[e]) +
                             "; expected a finite length >= 0 metres");
        for (auto id : {from[e], to[e]})
            if (!known.count(id))
                throw InputError(at + "edge endpoint " + std::to_string(id) + " is not a node id in " + nodes_path);
    }
    return from_arrays(std::move(ids), std::move(x), std::move(y), from, to, length, keep_largest_component,
                       nodes_path + " + " + edges_path);
}

double WalkNetwork::total_length() const {
    double sum = 0.0;
    for (double len : m_edge_length) sum += len;
    return sum;
}

}  // namespace lifecircle
