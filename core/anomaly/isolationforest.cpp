#include "anomaly/isolationforest.h"

#include <QDataStream>
#include <QIODevice>
#include <QSet>
#include <QVarLengthArray>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

namespace Laces::Core::Anomaly {

namespace {

constexpr int kMaxTrees = 100000;
constexpr int kMaxSampleSize = 1 << 24;
constexpr int kMaxDepthLimit = 64;
constexpr int kMaxFixedDepth = 12;
constexpr int kBlockRows = 256;
constexpr int kLanes = 8;
constexpr qint64 kNodeBytes = 20; // feature, split, left, size as written
constexpr double kEulerGamma = 0.5772156649;
constexpr int kMaxSmoothingRows = 100000;

// SplitMix64 (Steele, Lea & Flood 2014) to seed xoshiro256** (Blackman & Vigna 2018):
// both fully specified, so a seed grows the same forest with any compiler and library.
quint64 splitMix64(quint64 &state)
{
    quint64 z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Xoshiro256
{
public:
    explicit Xoshiro256(quint64 seed)
    {
        for (quint64 &word : m_state)
            word = splitMix64(seed);
    }
    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; } // [0, 1)
    // Uniform in [0, bound) without modulo bias (rejects the low (2^64 mod bound) values).
    quint64 below(quint64 bound)
    {
        const quint64 reject = (0 - bound) % bound;
        for (;;) {
            const quint64 r = next();
            if (r >= reject)
                return r % bound;
        }
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_state[4];
};

int ceilLog2(qint64 n)
{
    int depth = 0;
    while ((qint64(1) << depth) < n)
        ++depth;
    return depth;
}

Error unreadable(const QString &message)
{
    return { Error::Code::Unprocessable, QStringLiteral("isolation forest: ") + message,
        QStringLiteral("model") };
}

std::optional<Error> validateOptions(const IsolationForestOptions &options)
{
    if (options.trees < 1 || options.trees > kMaxTrees)
        return Error::invalid(QStringLiteral("trees must be between 1 and %1, got %2")
                                  .arg(kMaxTrees)
                                  .arg(options.trees),
            QStringLiteral("trees"));
    if (options.sampleSize < 2 || options.sampleSize > kMaxSampleSize)
        return Error::invalid(QStringLiteral("sampleSize must be between 2 and %1, got %2")
                                  .arg(kMaxSampleSize)
                                  .arg(options.sampleSize),
            QStringLiteral("sampleSize"));
    if (options.maxDepth < 0 || options.maxDepth > kMaxDepthLimit)
        return Error::invalid(QStringLiteral("maxDepth must be 0 (automatic) to %1, got %2")
                                  .arg(kMaxDepthLimit)
                                  .arg(options.maxDepth),
            QStringLiteral("maxDepth"));
    if (options.smoothingRows < 1 || options.smoothingRows > kMaxSmoothingRows)
        return Error::invalid(QStringLiteral("smoothingRows must be between 1 and %1, got %2")
                                  .arg(kMaxSmoothingRows)
                                  .arg(options.smoothingRows),
            QStringLiteral("smoothingRows"));
    if (options.contamination && options.threshold)
        return Error::invalid(QStringLiteral("give a contamination or a threshold, not both"),
            QStringLiteral("threshold"));
    if (options.contamination && !(*options.contamination > 0 && *options.contamination <= 0.5))
        return Error::invalid(
            QStringLiteral("contamination must be in (0, 0.5], got %1").arg(*options.contamination),
            QStringLiteral("contamination"));
    if (options.threshold && !(*options.threshold > 0 && *options.threshold < 1))
        return Error::invalid(
            QStringLiteral("threshold must be in (0, 1), got %1").arg(*options.threshold),
            QStringLiteral("threshold"));
    return std::nullopt;
}

} // namespace

double IsolationForest::averagePathLength(qint64 n)
{
    if (n <= 1)
        return 0;
    if (n == 2)
        return 1; // 2H(1) − 1 with H(1) = 1 exactly; the ln approximation would give 0.154
    const double m = double(n);
    return 2.0 * (std::log(m - 1.0) + kEulerGamma) - 2.0 * (m - 1.0) / m;
}

QString IsolationForest::kind() const
{
    return QLatin1String(kKind);
}

Core::Result<IsolationForest> IsolationForest::fit(const Eigen::MatrixXd &train,
    const QStringList &featureNames, const IsolationForestOptions &options)
{
    if (const std::optional<Error> error = checkTraining(train, featureNames))
        return *error;
    if (const std::optional<Error> error = validateOptions(options))
        return *error;
    if (options.contamination && options.smoothingRows > 1 && train.rows() <= options.smoothingRows)
        return Error::invalid(QStringLiteral("train needs more than smoothingRows = %1 rows to "
                                             "learn a threshold, got %2")
                                  .arg(options.smoothingRows)
                                  .arg(train.rows()),
            QStringLiteral("train"));

    IsolationForest forest;
    forest.m_featureNames = featureNames;
    forest.m_options = options;
    forest.m_scaling = RobustScaling::fit(train);
    const qint64 rows = train.rows();
    const int features = int(train.cols());
    const int psi = int(std::min<qint64>(options.sampleSize, rows));
    forest.m_sampleSize = psi;
    forest.m_maxDepth = options.maxDepth > 0 ? options.maxDepth : ceilLog2(psi);

    Xoshiro256 rng(options.seed);
    std::vector<quint32> rowOrder(static_cast<size_t>(rows));
    std::iota(rowOrder.begin(), rowOrder.end(), 0u);
    std::vector<double> sample(size_t(psi) * size_t(features)); // column-major ψ × features
    std::vector<int> order(static_cast<size_t>(psi));
    std::vector<int> candidates(static_cast<size_t>(features));
    std::iota(candidates.begin(), candidates.end(), 0);
    struct Pending
    {
        int node, begin, end, depth;
    };
    std::vector<Pending> pending;

    forest.m_trees.resize(size_t(options.trees));
    for (IsolationTree &tree : forest.m_trees) {
        // Partial Fisher–Yates on a persistent permutation: ψ draws per tree, not n.
        for (int i = 0; i < psi; ++i) {
            const qint64 j = i + qint64(rng.below(quint64(rows - i)));
            std::swap(rowOrder[size_t(i)], rowOrder[size_t(j)]);
        }
        for (int f = 0; f < features; ++f) {
            double *column = sample.data() + size_t(f) * size_t(psi);
            for (int i = 0; i < psi; ++i)
                column[i] = forest.m_scaling.apply(f, train(rowOrder[size_t(i)], f));
        }
        std::iota(order.begin(), order.end(), 0);
        tree.nodes.reserve(size_t(2 * psi - 1));
        tree.nodes.push_back({ 0, -1, -1, psi });
        pending.push_back({ 0, 0, psi, 0 });
        while (!pending.empty()) {
            const Pending at = pending.back();
            pending.pop_back();
            if (at.end - at.begin < 2 || at.depth >= forest.m_maxDepth)
                continue;
            // A random feature among those not constant in the node (scikit-learn's random
            // splitter draws without replacement until one varies).
            int chosen = -1;
            double low = 0;
            double high = 0;
            for (int remaining = features; remaining > 0 && chosen < 0; --remaining) {
                const int k = int(rng.below(quint64(remaining)));
                const int f = candidates[size_t(k)];
                std::swap(candidates[size_t(k)], candidates[size_t(remaining - 1)]);
                const double *column = sample.data() + size_t(f) * size_t(psi);
                low = high = column[order[size_t(at.begin)]];
                for (int i = at.begin + 1; i < at.end; ++i) {
                    const double v = column[order[size_t(i)]];
                    low = std::min(low, v);
                    high = std::max(high, v);
                }
                if (high > low)
                    chosen = f;
            }
            if (chosen < 0)
                continue;
            double split = low + rng.uniform() * (high - low);
            if (!(split > low) || split > high)
                split = high; // rounding: keep both children non-empty
            const double *column = sample.data() + size_t(chosen) * size_t(psi);
            int middle = at.begin;
            for (int i = at.begin; i < at.end; ++i) {
                if (!(column[order[size_t(i)]] >= split))
                    std::swap(order[size_t(i)], order[size_t(middle++)]);
            }
            const int left = int(tree.nodes.size());
            IsolationTree::Node &node = tree.nodes[size_t(at.node)];
            node.feature = chosen;
            node.split = split;
            node.left = left;
            tree.nodes.push_back({ 0, -1, -1, middle - at.begin });
            tree.nodes.push_back({ 0, -1, -1, at.end - middle });
            pending.push_back({ left + 1, middle, at.end, at.depth + 1 });
            pending.push_back({ left, at.begin, middle, at.depth + 1 });
        }
        tree.nodes.shrink_to_fit();
    }
    forest.prepareScoring();

    if (options.threshold) {
        forest.m_threshold = *options.threshold;
    } else if (options.contamination) {
        forest.m_threshold = smoothedTrainingQuantile(
            forest.scores(train), options.smoothingRows, 1.0 - *options.contamination);
    } else {
        forest.m_threshold = 0.5;
    }
    return forest;
}

void IsolationForest::prepareScoring()
{
    m_pathTable.resize(size_t(m_sampleSize) + 1);
    for (int n = 0; n <= m_sampleSize; ++n)
        m_pathTable[size_t(n)] = averagePathLength(n);

    int deepest = 0;
    qint64 nodeCount = 0;
    std::vector<int> depth;
    for (const IsolationTree &tree : m_trees) {
        depth.assign(tree.nodes.size(), 0);
        for (size_t i = 0; i < tree.nodes.size(); ++i) {
            const IsolationTree::Node &node = tree.nodes[i];
            if (node.feature >= 0)
                depth[size_t(node.left)] = depth[size_t(node.left) + 1] = depth[i] + 1;
            else
                deepest = std::max(deepest, depth[i]);
        }
        nodeCount += qint64(tree.nodes.size());
    }
    m_fixedDepth = 0;
    m_fixedSplits.clear();
    m_fixedLeaves.clear();
    // The padded layout costs 2^depth per tree: worth it for the usual ψ, not for very deep
    // or degenerate (chain-like) trees, which are walked node by node instead.
    const qint64 trees = qint64(m_trees.size());
    if (deepest > kMaxFixedDepth || trees * (qint64(1) << deepest) > 8 * nodeCount + 65536)
        return;
    m_fixedDepth = deepest;
    const size_t internal = (size_t(1) << deepest) - 1;
    const size_t leaves = size_t(1) << deepest;
    m_fixedSplits.assign(size_t(trees) * internal, { std::numeric_limits<double>::infinity(), 0 });
    m_fixedLeaves.assign(size_t(trees) * leaves, 0);
    struct Visit
    {
        int node;
        size_t slot;
        int depth;
    };
    std::vector<Visit> stack;
    for (size_t t = 0; t < size_t(trees); ++t) {
        const std::vector<IsolationTree::Node> &nodes = m_trees[t].nodes;
        FixedSplit *splits = m_fixedSplits.data() + t * internal;
        double *leafValues = m_fixedLeaves.data() + t * leaves;
        stack.push_back({ 0, 0, 0 });
        while (!stack.empty()) {
            const Visit visit = stack.back();
            stack.pop_back();
            const IsolationTree::Node &node = nodes[size_t(visit.node)];
            if (node.feature >= 0) {
                splits[visit.slot] = { node.split, node.feature };
                stack.push_back({ node.left, 2 * visit.slot + 1, visit.depth + 1 });
                stack.push_back({ node.left + 1, 2 * visit.slot + 2, visit.depth + 1 });
                continue;
            }
            // Pass-through splits (+inf) send every row left, but fill the whole range so a
            // +inf value that goes right finds the same leaf.
            const double value = double(visit.depth) + m_pathTable[size_t(node.size)];
            const int below = deepest - visit.depth;
            const size_t first = ((visit.slot + 1) << below) - 1 - internal;
            std::fill(leafValues + first, leafValues + first + (size_t(1) << below), value);
        }
    }
}

double IsolationForest::pathLengthSum(const double *scaledRow) const
{
    double sum = 0;
    for (const IsolationTree &tree : m_trees) {
        const IsolationTree::Node *nodes = tree.nodes.data();
        int index = 0;
        int depth = 0;
        while (nodes[index].feature >= 0) {
            index = nodes[index].left + int(scaledRow[nodes[index].feature] >= nodes[index].split);
            ++depth;
        }
        sum += double(depth) + m_pathTable[size_t(nodes[index].size)];
    }
    return sum;
}

void IsolationForest::scoreBlock(const double *scaledRows, int count, double *out) const
{
    std::fill(out, out + count, 0.0);
    const int features = int(m_featureNames.size());
    const int depth = m_fixedDepth;
    const size_t internal = (size_t(1) << depth) - 1;
    const size_t leaves = size_t(1) << depth;
    for (size_t t = 0; t < m_trees.size(); ++t) {
        const FixedSplit *splits = m_fixedSplits.data() + t * internal;
        const double *leafValues = m_fixedLeaves.data() + t * leaves;
        int r = 0;
        // Eight rows walk the tree in lockstep: independent chains of loads that the core
        // overlaps, with no data-dependent branch.
        for (; r + kLanes <= count; r += kLanes) {
            const double *x[kLanes];
            for (int k = 0; k < kLanes; ++k)
                x[k] = scaledRows + size_t(r + k) * size_t(features);
            size_t slot[kLanes] = {};
            for (int d = 0; d < depth; ++d) {
                for (int k = 0; k < kLanes; ++k) {
                    const FixedSplit &split = splits[slot[k]];
                    slot[k] = 2 * slot[k] + 1 + size_t(x[k][split.feature] >= split.split);
                }
            }
            for (int k = 0; k < kLanes; ++k)
                out[r + k] += leafValues[slot[k] - internal];
        }
        for (; r < count; ++r) {
            const double *x = scaledRows + size_t(r) * size_t(features);
            size_t slot = 0;
            for (int d = 0; d < depth; ++d)
                slot = 2 * slot + 1 + size_t(x[splits[slot].feature] >= splits[slot].split);
            out[r] += leafValues[slot - internal];
        }
    }
}

double IsolationForest::toScore(double pathSum) const
{
    const double meanPath = pathSum / double(m_trees.size());
    return std::exp2(-meanPath / m_pathTable[size_t(m_sampleSize)]);
}

double IsolationForest::score(const double *row) const
{
    const int features = int(m_featureNames.size());
    QVarLengthArray<double, 64> scaled(features);
    for (int f = 0; f < features; ++f)
        scaled[f] = m_scaling.apply(f, row[f]);
    double sum = 0;
    if (m_fixedLeaves.empty())
        sum = pathLengthSum(scaled.constData());
    else
        scoreBlock(scaled.constData(), 1, &sum);
    return toScore(sum);
}

Eigen::VectorXd IsolationForest::scores(const Eigen::MatrixXd &rows) const
{
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const int threads = rows.rows() >= 16384 ? int(std::min(hardware, 8u)) : 1;
    return scores(rows, threads);
}

Eigen::VectorXd IsolationForest::scores(const Eigen::MatrixXd &rows, int threads) const
{
    const int features = int(m_featureNames.size());
    if (rows.cols() != features)
        return {};
    const Eigen::Index count = rows.rows();
    Eigen::VectorXd result(count);
    const bool fixed = !m_fixedLeaves.empty();
    auto work = [&](Eigen::Index begin, Eigen::Index end) {
        std::vector<double> block(size_t(kBlockRows) * size_t(features));
        double sums[kBlockRows];
        for (Eigen::Index b = begin; b < end; b += kBlockRows) {
            const int n = int(std::min<Eigen::Index>(kBlockRows, end - b));
            for (int f = 0; f < features; ++f) {
                const double *column = rows.col(f).data() + b;
                for (int r = 0; r < n; ++r)
                    block[size_t(r) * size_t(features) + size_t(f)] = m_scaling.apply(f, column[r]);
            }
            if (fixed) {
                scoreBlock(block.data(), n, sums);
            } else {
                for (int r = 0; r < n; ++r)
                    sums[r] = pathLengthSum(block.data() + size_t(r) * size_t(features));
            }
            for (int r = 0; r < n; ++r)
                result[b + r] = toScore(sums[r]);
        }
    };
    // Each row's sum is formed the same way whoever computes it, so any split of the rows
    // over threads gives the same bits.
    const Eigen::Index blocks = (count + kBlockRows - 1) / kBlockRows;
    const int used = int(std::clamp<Eigen::Index>(threads, 1, std::max<Eigen::Index>(1, blocks)));
    if (used == 1) {
        work(0, count);
        return result;
    }
    std::vector<std::thread> helpers;
    const Eigen::Index perThread = (blocks + used - 1) / used * kBlockRows;
    for (int i = 1; i < used; ++i) {
        const Eigen::Index begin = std::min(count, perThread * i);
        const Eigen::Index end = std::min(count, begin + perThread);
        helpers.emplace_back(work, begin, end);
    }
    work(0, std::min(count, perThread));
    for (std::thread &helper : helpers)
        helper.join();
    return result;
}

AnomalyScore IsolationForest::explain(const double *row) const
{
    const int features = int(m_featureNames.size());
    QVarLengthArray<double, 64> scaled(features);
    for (int f = 0; f < features; ++f)
        scaled[f] = m_scaling.apply(f, row[f]);
    std::vector<double> credit(size_t(features), 0.0);
    for (const IsolationTree &tree : m_trees) {
        const IsolationTree::Node *nodes = tree.nodes.data();
        int index = 0;
        while (nodes[index].feature >= 0) {
            const int child
                = nodes[index].left + int(scaled[nodes[index].feature] >= nodes[index].split);
            credit[size_t(nodes[index].feature)]
                += std::log2(double(nodes[index].size) / double(nodes[child].size));
            index = child;
        }
    }
    AnomalyScore result;
    result.score = score(row);
    result.anomaly = result.score >= m_threshold;
    result.drivers = sharesOf(m_featureNames, credit);
    return result;
}

// Payload, little-endian: u32 features, the names (u32 length + UTF-8), the scaling
// (center, scale per feature), the options (i32 trees, sampleSize, maxDepth, u64 seed, u8
// flags bit 0 contamination / bit 1 threshold, f64 contamination, f64 threshold), the
// effective i32 ψ and maxDepth, f64 threshold, u32 trees, then per tree u32 nodes and per
// node i32 feature, f64 split, i32 left, i32 size; last the i32 smoothingRows (absent in
// payloads written before it existed, which read as 1).
QByteArray IsolationForest::serialize() const
{
    QByteArray payload;
    {
        QDataStream out(&payload, QIODevice::WriteOnly);
        Wire::prepare(out);
        Wire::writeFeatureNames(out, m_featureNames);
        Wire::writeScaling(out, m_scaling);
        const quint8 flags
            = quint8((m_options.contamination ? 1 : 0) | (m_options.threshold ? 2 : 0));
        out << qint32(m_options.trees) << qint32(m_options.sampleSize) << qint32(m_options.maxDepth)
            << quint64(m_options.seed) << flags << m_options.contamination.value_or(0.0)
            << m_options.threshold.value_or(0.0);
        out << qint32(m_sampleSize) << qint32(m_maxDepth) << m_threshold;
        out << quint32(m_trees.size());
        for (const IsolationTree &tree : m_trees) {
            out << quint32(tree.nodes.size());
            for (const IsolationTree::Node &node : tree.nodes)
                out << node.feature << node.split << node.left << node.size;
        }
        out << qint32(m_options.smoothingRows);
    }
    return Wire::envelope(kind(), payload);
}

Core::Result<IsolationForest> IsolationForest::fromPayload(const QByteArray &payload)
{
    QDataStream in(payload);
    Wire::prepare(in);
    const QString truncated = QStringLiteral("the payload ends early");
    IsolationForest forest;

    QString damage;
    if (!Wire::readFeatureNames(in, &forest.m_featureNames, 20, &damage))
        return unreadable(damage);
    const Eigen::Index features = forest.m_featureNames.size();
    if (!Wire::readScaling(in, features, &forest.m_scaling))
        return unreadable(QStringLiteral("the scaling is damaged"));

    qint32 trees = 0, sampleSize = 0, maxDepth = 0, psi = 0, depthUsed = 0;
    quint64 seed = 0;
    quint8 flags = 0;
    double contamination = 0, thresholdOption = 0, threshold = 0;
    in >> trees >> sampleSize >> maxDepth >> seed >> flags >> contamination >> thresholdOption;
    in >> psi >> depthUsed >> threshold;
    if (in.status() != QDataStream::Ok)
        return unreadable(truncated);
    if (flags > 3)
        return unreadable(QStringLiteral("unknown option flags %1").arg(flags));
    forest.m_options.trees = trees;
    forest.m_options.sampleSize = sampleSize;
    forest.m_options.maxDepth = maxDepth;
    forest.m_options.seed = seed;
    if (flags & 1)
        forest.m_options.contamination = contamination;
    if (flags & 2)
        forest.m_options.threshold = thresholdOption;
    if (const std::optional<Error> error = validateOptions(forest.m_options))
        return unreadable(QStringLiteral("damaged options: ") + error->message);
    if (psi < 2 || psi > sampleSize)
        return unreadable(QStringLiteral("a sample size of %1").arg(psi));
    if (depthUsed != (maxDepth > 0 ? maxDepth : ceilLog2(psi)))
        return unreadable(QStringLiteral("a depth limit of %1").arg(depthUsed));
    if (!std::isfinite(threshold) || !(threshold > 0) || threshold > 1)
        return unreadable(QStringLiteral("a threshold of %1").arg(threshold));
    forest.m_sampleSize = psi;
    forest.m_maxDepth = depthUsed;
    forest.m_threshold = threshold;

    quint32 treeCount = 0;
    in >> treeCount;
    if (in.status() != QDataStream::Ok)
        return unreadable(truncated);
    if (treeCount != quint32(trees) || qint64(treeCount) * (4 + kNodeBytes) > Wire::bytesLeft(in))
        return unreadable(
            QStringLiteral("%1 trees for %2 in the options").arg(treeCount).arg(trees));
    forest.m_trees.resize(treeCount);
    std::vector<int> depth;
    std::vector<char> reached;
    for (quint32 t = 0; t < treeCount; ++t) {
        quint32 nodeCount = 0;
        in >> nodeCount;
        if (in.status() != QDataStream::Ok)
            return unreadable(truncated);
        if (nodeCount < 1 || qint64(nodeCount) > 2 * qint64(psi) - 1
            || qint64(nodeCount) * kNodeBytes > Wire::bytesLeft(in))
            return unreadable(QStringLiteral("tree %1 has %2 nodes").arg(t).arg(nodeCount));
        std::vector<IsolationTree::Node> &nodes = forest.m_trees[t].nodes;
        nodes.resize(nodeCount);
        for (IsolationTree::Node &node : nodes)
            in >> node.feature >> node.split >> node.left >> node.size;
        if (in.status() != QDataStream::Ok)
            return unreadable(truncated);
        // Parents come before their children and every node but the root has one parent,
        // so the walk in scoring always ends at an external node within the depth limit.
        depth.assign(nodeCount, 0);
        reached.assign(nodeCount, 0);
        const QString damaged = QStringLiteral("tree %1, node %2 is damaged");
        if (nodes[0].size != psi)
            return unreadable(damaged.arg(t).arg(0));
        for (quint32 i = 0; i < nodeCount; ++i) {
            const IsolationTree::Node &node = nodes[i];
            if ((i > 0 && !reached[i]) || node.size < 1 || node.size > psi)
                return unreadable(damaged.arg(t).arg(i));
            if (node.feature < 0) {
                if (node.feature != -1)
                    return unreadable(damaged.arg(t).arg(i));
                continue;
            }
            if (quint32(node.feature) >= features || !std::isfinite(node.split)
                || node.left <= qint32(i) || quint32(node.left) + 1 >= nodeCount
                || depth[i] + 1 > depthUsed)
                return unreadable(damaged.arg(t).arg(i));
            const size_t left = size_t(node.left);
            if (reached[left] || reached[left + 1] || nodes[left].size < 1
                || nodes[left + 1].size < 1
                || qint64(nodes[left].size) + nodes[left + 1].size != node.size)
                return unreadable(damaged.arg(t).arg(i));
            reached[left] = reached[left + 1] = 1;
            depth[left] = depth[left + 1] = depth[i] + 1;
        }
    }
    if (!in.atEnd()) {
        qint32 smoothing = 0;
        in >> smoothing;
        if (in.status() != QDataStream::Ok || smoothing < 1 || smoothing > kMaxSmoothingRows)
            return unreadable(QStringLiteral("a smoothing of %1 rows").arg(smoothing));
        forest.m_options.smoothingRows = smoothing;
    }
    if (!in.atEnd())
        return unreadable(QStringLiteral("%1 bytes after the last tree").arg(Wire::bytesLeft(in)));
    forest.prepareScoring();
    return forest;
}

} // namespace Laces::Core::Anomaly
