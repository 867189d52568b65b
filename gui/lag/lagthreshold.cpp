#include "lag/lagthreshold.h"

#include "common/localstore.h"

#include <QList>
#include <QVariantMap>

#include <cmath>

namespace ferry::gui {

namespace {

// Every LagThreshold alive, so that a change reaches those over the same store.
QList<LagThreshold *> &instances()
{
    static QList<LagThreshold *> all;
    return all;
}

} // namespace

double LagThresholds::forNode(const QString &scope, const QString &node) const
{
    return ownOf(scope, node).value_or(defaultSeconds);
}

std::optional<double> LagThresholds::ownOf(const QString &scope, const QString &node) const
{
    const auto nodes = own.constFind(scope);
    if (nodes == own.constEnd())
        return std::nullopt;
    const auto it = nodes->constFind(node);
    if (it == nodes->constEnd())
        return std::nullopt;
    return *it;
}

bool LagThresholds::isOver(const QString &scope, const NodeStatus &node) const
{
    return node.reachable && node.lagSeconds && *node.lagSeconds > forNode(scope, node.name);
}

double LagThreshold::normalized(double seconds)
{
    if (!std::isfinite(seconds))
        return kDefaultSeconds;
    return qBound(kMinSeconds, std::round(seconds * 10) / 10, kMaxSeconds);
}

LagThresholds LagThreshold::load(const LocalStore *store)
{
    LagThresholds values(kDefaultSeconds);
    if (!store)
        return values;
    bool ok = false;
    // Older versions stored whole seconds as an int.
    const double seconds = store->setting(defaultKey()).toDouble(&ok);
    if (ok && seconds > 0)
        values.defaultSeconds = normalized(seconds);
    const QVariantMap scopes = store->setting(ownKey()).toMap();
    for (auto scope = scopes.cbegin(); scope != scopes.cend(); ++scope) {
        const QVariantMap nodes = scope.value().toMap();
        for (auto node = nodes.cbegin(); node != nodes.cend(); ++node) {
            const double own = node.value().toDouble(&ok);
            if (ok && own > 0)
                values.own[scope.key()].insert(node.key(), normalized(own));
        }
    }
    return values;
}

LagThreshold::LagThreshold(LocalStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_values(load(store))
{
    instances().append(this);
}

LagThreshold::~LagThreshold()
{
    instances().removeOne(this);
}

void LagThreshold::setStore(LocalStore *store)
{
    m_store = store;
    m_values = load(store);
    emit changed();
}

void LagThreshold::setDefaultSeconds(double seconds)
{
    seconds = normalized(seconds);
    if (seconds == m_values.defaultSeconds)
        return;
    m_values.defaultSeconds = seconds;
    save();
    publish();
}

void LagThreshold::setOwn(const QString &scope, const QString &node, double seconds)
{
    if (scope.isEmpty() || node.isEmpty())
        return;
    seconds = normalized(seconds);
    if (m_values.ownOf(scope, node) == seconds)
        return;
    m_values.own[scope].insert(node, seconds);
    save();
    publish();
}

void LagThreshold::clearOwn(const QString &scope, const QString &node)
{
    if (!m_values.ownOf(scope, node))
        return;
    auto nodes = m_values.own.find(scope);
    nodes->remove(node);
    if (nodes->isEmpty())
        m_values.own.erase(nodes);
    save();
    publish();
}

void LagThreshold::save()
{
    if (!m_store)
        return;
    m_store->setSetting(defaultKey(), m_values.defaultSeconds);
    QVariantMap scopes;
    for (auto scope = m_values.own.cbegin(); scope != m_values.own.cend(); ++scope) {
        QVariantMap nodes;
        for (auto node = scope->cbegin(); node != scope->cend(); ++node)
            nodes.insert(node.key(), node.value());
        scopes.insert(scope.key(), nodes);
    }
    if (scopes.isEmpty())
        m_store->removeSetting(ownKey());
    else
        m_store->setSetting(ownKey(), scopes);
}

void LagThreshold::publish()
{
    if (!m_store) {
        emit changed();
        return;
    }
    // A copy: a slot may create or delete thresholds.
    const QList<LagThreshold *> all = instances();
    for (LagThreshold *other : all) {
        if (other->m_store != m_store || !instances().contains(other))
            continue;
        if (other != this)
            other->m_values = m_values;
        emit other->changed();
    }
}

} // namespace ferry::gui
