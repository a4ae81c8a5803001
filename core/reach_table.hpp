#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/walk_network.hpp"

namespace lifecircle {

/// No facility in this rank (fewer than k within the maximum distance).
inline constexpr std::int32_t kNoFacility = -1;

/// For every node of a network, the k nearest facilities of one category within a maximum
/// walking distance, with their network distances in metres.
///
/// The result is exactly the k smallest (distance, facility index) pairs per node, ties
/// broken by the lower facility index, so it never depends on thread count or on whether
/// it was built at once or by open()/close() updates. Facilities sit on nodes (snapped at
/// zero cost, as Pandana does).
class ReachTable {
  public:
    /// Builds the table by bounded multi-source Dijkstra that keeps k labels a node.
    /// `facility_nodes[i]` is the node of facility i; max_distance in metres (inclusive).
    ReachTable(const WalkNetwork& network, std::vector<std::uint32_t> facility_nodes, int k, double max_distance);

    int k() const { return m_k; }
    /// Maximum distance searched, metres.
    double max_distance() const { return m_max_distance; }
    std::size_t num_nodes() const { return m_count.size(); }
    /// Facilities ever added (open or closed); indices are stable.
    std::size_t num_facilities() const { return m_facility_node.size(); }

    /// Distance to the facility of `rank` (0 = nearest) from `node`, metres; +inf if none.
    double distance(std::uint32_t node, int rank) const {
        return m_distance[static_cast<std::size_t>(node) * m_k + rank];
    }
    /// Facility index of `rank` from `node`, or kNoFacility.
    std::int32_t facility(std::uint32_t node, int rank) const {
        return m_facility[static_cast<std::size_t>(node) * m_k + rank];
    }
    /// All distances, node-major (node * k + rank), metres.
    std::span<const double> distances() const { return m_distance; }
    /// All facility indices, node-major (node * k + rank).
    std::span<const std::int32_t> facilities() const { return m_facility; }

    std::uint32_t facility_node(std::uint32_t f) const { return m_facility_node[f]; }
    bool is_open(std::uint32_t f) const { return m_open[f] != 0; }

    /// Opens a new facility at `node`; returns its index. Only nodes within max_distance of
    /// it are visited.
    std::uint32_t open(std::uint32_t node);
    /// Closes facility f. Only nodes that listed it are recomputed, from the facilities
    /// within twice max_distance of it.
    void close(std::uint32_t f);
    /// Closes facility f without recomputing the rows that listed it: for a process given those
    /// rows as another process recomputed them (set_row), as close(f) would have.
    void close_without_rows(std::uint32_t f);
    /// Sets the row of `node` to k distances and facility indices (past the row's facilities,
    /// +inf and kNoFacility), as another table's row_distances and row_facilities give them.
    void set_row(std::uint32_t node, std::span<const double> distances, std::span<const std::int32_t> facilities);
    /// The row of `node`: k distances (metres) and k facility indices, nearest first.
    std::span<const double> row_distances(std::uint32_t node) const {
        return std::span<const double>(m_distance).subspan(static_cast<std::size_t>(node) * m_k, m_k);
    }
    std::span<const std::int32_t> row_facilities(std::uint32_t node) const {
        return std::span<const std::int32_t>(m_facility).subspan(static_cast<std::size_t>(node) * m_k, m_k);
    }
    /// Nodes whose lists the last open()/close() changed or recomputed.
    std::size_t last_update_nodes() const { return m_last_update_nodes; }
    /// Nodes whose lists the last open()/close() may have changed (open: every node within
    /// max_distance of the new facility; close: those that listed it); every other node's
    /// list is as it was before.
    const std::vector<std::uint32_t>& last_update() const { return m_last_update; }

  private:
    /// Marks f closed and takes it off its node (the rows that list it not yet recomputed).
    std::uint32_t take_out(std::uint32_t f);
    void insert_label(std::uint32_t node, double d, std::uint32_t f);

    const WalkNetwork* m_network;
    int m_k;
    double m_max_distance;
    std::vector<std::uint32_t> m_facility_node;
    std::vector<std::uint8_t> m_open;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> m_facilities_at;
    std::vector<double> m_distance;
    std::vector<std::int32_t> m_facility;
    std::vector<std::uint16_t> m_count;
    std::size_t m_last_update_nodes = 0;
    std::vector<std::uint32_t> m_last_update;
};

/// Reach tables for several categories, built in parallel (one task per category).
std::vector<ReachTable> build_reach_tables(const WalkNetwork& network,
                                           const std::vector<std::vector<std::uint32_t>>& facility_nodes, int k,
                                           double max_distance);

/// Distances from `source` to every node within max_distance (metres), by Dijkstra;
/// unreached nodes are absent. Exposed for tests and incremental updates.
std::vector<std::pair<std::uint32_t, double>> bounded_dijkstra(const WalkNetwork& network, std::uint32_t source,
                                                               double max_distance);

}  // namespace lifecircle
