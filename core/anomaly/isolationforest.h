#pragma once

#include "anomaly/detector.h"

#include <QtGlobal>

#include <optional>
#include <vector>

namespace Laces::Core::Anomaly {

struct IsolationForestOptions
{
    int trees = 100;
    int sampleSize = 256; // ψ; min(ψ, rows) is used
    int maxDepth = 0; // 0: ceil(log2 ψ), as in the paper and scikit-learn
    quint64 seed = 0;
    // At most one of the two. contamination c in (0, 0.5]: the threshold is the (1 − c)
    // quantile of the training scores (linear interpolation, as numpy's percentile).
    // threshold in (0, 1). Neither: 0.5, scikit-learn's "auto" offset.
    std::optional<double> contamination;
    std::optional<double> threshold;
    // 1 to 100,000. Above 1, a contamination threshold is the (1 − c) quantile of the causal
    // rolling mean of the training scores over this many rows, on rows [smoothingRows, n)
    // (so train needs more rows than this), and AnomalyStream smooths the same way.
    int smoothingRows = 1;
};

// One isolation tree as flat arrays: nodes[0] is the root, children come in pairs (right
// = left + 1) after their parent. Splits are in scaled units; a row goes right when
// value >= split (so NaN goes left).
struct IsolationTree
{
    struct Node
    {
        double split = 0;
        qint32 feature = -1; // −1: external node
        qint32 left = -1;
        qint32 size = 0; // training samples that reached the node
    };
    std::vector<Node> nodes;
};

// Isolation Forest after Liu, Ting & Zhou (ICDM 2008): random trees on subsamples of ψ
// rows, random feature and uniform split in the node's [min, max] (constant features are
// skipped, as scikit-learn does), depth limited to ceil(log2 ψ). The score is
// s(x) = 2^(−E[h(x)]/c(ψ)), h = depth of the external node + c(its size), so it equals
// scikit-learn's −score_samples for the same trees. Deterministic for a seed (xoshiro256**
// seeded by SplitMix64, portable across standard libraries).
//
// Explanations: each split on x's path is credited to its feature with
// log2(n_node / n_child), the balanced-tree levels that split achieves for x: an even
// split earns 1, a split cutting x off from the other 255 rows of a 256-row node earns 8.
// So the credits of a path add up to log2(ψ / size of x's external node), the isolation
// the tree did, and a feature that isolates x in a few lopsided cuts collects most of it.
// Credits are summed over the trees and normalised to shares (a path-based attribution in
// the spirit of DIFFI, Carletti et al. 2020, weighted by isolation instead of 1/depth).
class IsolationForest final : public Detector
{
public:
    static constexpr const char *kKind = "isolation_forest";

    // `train`: rows = samples, columns = `featureNames` (unique, non-empty), all finite,
    // at least 2 rows. Refused with Error::invalid naming the field ("train",
    // "featureNames", "trees", "sampleSize", "maxDepth", "contamination", "threshold").
    static Core::Result<IsolationForest> fit(const Eigen::MatrixXd &train,
        const QStringList &featureNames, const IsolationForestOptions &options = {});
    // The payload inside the envelope; callers use deserializeDetector().
    static Core::Result<IsolationForest> fromPayload(const QByteArray &payload);

    QString kind() const override;
    QStringList featureNames() const override { return m_featureNames; }
    double threshold() const override { return m_threshold; }
    double score(const double *row) const override;
    AnomalyScore explain(const double *row) const override;
    // Uses up to min(hardware threads, 8) threads for 16,384 rows or more.
    Eigen::VectorXd scores(const Eigen::MatrixXd &rows) const override;
    // With an explicit thread count (≥ 1); bit-identical to scores(rows) for any count.
    Eigen::VectorXd scores(const Eigen::MatrixXd &rows, int threads) const;
    QByteArray serialize() const override;
    int smoothingRows() const override { return m_options.smoothingRows; }

    const IsolationForestOptions &options() const { return m_options; }
    int sampleSize() const { return m_sampleSize; } // the ψ used
    int maxDepth() const { return m_maxDepth; }
    const RobustScaling &scaling() const { return m_scaling; }
    const std::vector<IsolationTree> &trees() const { return m_trees; }

    // c(n) = 2H(n−1) − 2(n−1)/n with H(i) ≈ ln i + 0.5772156649, c(2) = 1, c(n ≤ 1) = 0: the
    // average path length of an unsuccessful search in a binary search tree of n keys.
    static double averagePathLength(qint64 n);

private:
    IsolationForest() = default;
    void prepareScoring();
    double pathLengthSum(const double *scaledRow) const;
    void scoreBlock(const double *scaledRows, int count, double *out) const;
    double toScore(double pathSum) const;

    QStringList m_featureNames;
    IsolationForestOptions m_options;
    RobustScaling m_scaling;
    int m_sampleSize = 0;
    int m_maxDepth = 0;
    double m_threshold = 0.5;
    std::vector<IsolationTree> m_trees;
    std::vector<double> m_pathTable; // c(size) for size 0..ψ

    // Scoring layout, rebuilt from m_trees: every tree as a perfect binary tree of depth
    // m_fixedDepth (implicit children 2i+1, 2i+2; external nodes above that depth are
    // padded with pass-through splits), so a row takes exactly m_fixedDepth branch-free
    // steps per tree. Empty when the trees are too deep for it (then m_trees is walked).
    struct FixedSplit
    {
        double split;
        qint32 feature;
    };
    int m_fixedDepth = 0;
    std::vector<FixedSplit> m_fixedSplits; // trees × (2^depth − 1)
    std::vector<double> m_fixedLeaves; // trees × 2^depth: depth + c(size)
};

} // namespace Laces::Core::Anomaly
