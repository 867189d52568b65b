#pragma once

#include "cascade/cascadestatus.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <optional>

namespace ferry::gui {

class LocalStore;

// The lag over which a node is marked (cascade view, chart, tray): a default for
// every node, and a node's own threshold where one was set. Nodes are named by
// their cascade's scope (LagHistory::scopeOf) and their name.
struct LagThresholds
{
    explicit LagThresholds(double seconds = 30)
        : defaultSeconds(seconds)
    {}

    double defaultSeconds;
    QHash<QString, QHash<QString, double>> own; // scope -> node -> seconds

    double forNode(const QString &scope, const QString &node) const;
    std::optional<double> ownOf(const QString &scope, const QString &node) const;
    // A node that answered with a lag above its threshold.
    bool isOver(const QString &scope, const NodeStatus &node) const;
};

// The one owner of the lag thresholds, kept in the LocalStore: the default under
// lag/thresholdSeconds, the nodes' own under lag/nodeThresholds (scope -> node ->
// seconds). Seconds with a tenth's precision, at least kMinSeconds.
//
// Every LagThreshold over the same store follows a change made through any of them
// (changed() on each), so the tree, the detail pane and the chart agree at once;
// the tray reads the store with load() on each status read. Without a store the
// thresholds live in memory only. Like its store, it belongs to the store's thread.
class LagThreshold : public QObject
{
    Q_OBJECT

public:
    static constexpr double kDefaultSeconds = 30;
    static constexpr double kMinSeconds = 0.1;
    static constexpr double kStepSeconds = 0.1;
    static constexpr double kMaxSeconds = 7 * 24 * 3600;

    static QString defaultKey() { return QStringLiteral("lag/thresholdSeconds"); }
    static QString ownKey() { return QStringLiteral("lag/nodeThresholds"); }
    // Within [kMinSeconds, kMaxSeconds], rounded to a tenth.
    static double normalized(double seconds);
    static LagThresholds load(const LocalStore *store);

    explicit LagThreshold(LocalStore *store = nullptr, QObject *parent = nullptr);
    ~LagThreshold() override;

    // Reads the thresholds of `store` (emits changed()).
    void setStore(LocalStore *store);
    LocalStore *store() const { return m_store; }

    const LagThresholds &values() const { return m_values; }
    double defaultSeconds() const { return m_values.defaultSeconds; }
    double secondsFor(const QString &scope, const QString &node) const
    {
        return m_values.forNode(scope, node);
    }
    std::optional<double> ownOf(const QString &scope, const QString &node) const
    {
        return m_values.ownOf(scope, node);
    }

    void setDefaultSeconds(double seconds);
    void setOwn(const QString &scope, const QString &node, double seconds);
    // The node follows the default again.
    void clearOwn(const QString &scope, const QString &node);

signals:
    void changed();

private:
    void save();
    void publish();

    LocalStore *m_store = nullptr;
    LagThresholds m_values;
};

} // namespace ferry::gui
