#include "addtablestablespage.h"

#include "wizards/addtableswizard.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ferry::gui {

namespace {

constexpr int kTableRole = Qt::UserRole + 1; // the item's index in the catalog

} // namespace

AddTablesTablesPage::AddTablesTablesPage(AddTablesWizard *wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
{
    setObjectName(QStringLiteral("addTablesTablesPage"));
    setTitle(tr("Tables"));
    setSubTitle(tr("Check the provider's tables this node should replicate."));

    m_filterLabel = new QLabel(tr("Fil&ter:"), this);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("addTablesFilter"));
    m_filter->setPlaceholderText(tr("schema or table name"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Show only the tables whose schema.table name contains this text"));
    m_filterLabel->setBuddy(m_filter);
    m_reload = new QPushButton(tr("&Reload"), this);
    m_reload->setObjectName(QStringLiteral("addTablesReload"));
    m_reload->setToolTip(tr("Read the provider's tables again"));

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("addTablesTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Name"), tr("Rows (estimate)"), tr("Primary key"), tr("State")});
    m_tree->setToolTip(tr("Check a table to add it, or a schema to add all its tables; "
                          "grey tables cannot be added (the tooltip says why)"));
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setColumnWidth(RowsColumn, 120);
    m_tree->setColumnWidth(KeyColumn, 90);
    m_tree->setColumnWidth(StateColumn, 220);
    m_tree->setUniformRowHeights(true);

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("addTablesBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(8);
    m_busy->setToolTip(tr("Reading the provider's tables"));
    m_busy->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("addTablesStatus"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("addTablesError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();

    auto *top = new QHBoxLayout;
    top->addWidget(m_filterLabel);
    top->addWidget(m_filter, 1);
    top->addWidget(m_reload);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    setTabOrder(m_filter, m_reload);
    setTabOrder(m_reload, m_tree);

    connect(m_filter, &QLineEdit::textChanged, this, &AddTablesTablesPage::applyFilter);
    connect(m_reload, &QPushButton::clicked, m_wizard, &AddTablesWizard::loadCatalog);
    connect(m_tree, &QTreeWidget::itemChanged, this, &AddTablesTablesPage::onItemChanged);
    connect(m_wizard, &AddTablesWizard::catalogLoaded, this, &AddTablesTablesPage::onCatalog);
    connect(m_wizard, &AddTablesWizard::busyChanged, this, [this](bool busy) {
        m_busy->setVisible(busy); // a hidden page's bar shows nothing
        m_reload->setEnabled(!busy);
        emit completeChanged();
    });
}

void AddTablesTablesPage::initializePage()
{
    if (!m_wizard->isCatalogLoaded())
        m_wizard->loadCatalog();
}

bool AddTablesTablesPage::isComplete() const
{
    return !m_wizard->isBusy() && m_wizard->isCatalogLoaded() && !m_wizard->mappings().isEmpty();
}

QTreeWidgetItem *AddTablesTablesPage::tableItem(const QString &schema, const QString &name) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *s = m_tree->topLevelItem(i);
        if (s->text(NameColumn) != schema)
            continue;
        for (int j = 0; j < s->childCount(); ++j) {
            if (s->child(j)->text(NameColumn) == name)
                return s->child(j);
        }
    }
    return nullptr;
}

void AddTablesTablesPage::onCatalog()
{
    m_error->setVisible(!m_wizard->catalogError().isEmpty());
    setWrappedText(m_error, m_wizard->catalogError());
    if (!m_wizard->isCatalogLoaded()) {
        m_status->clear();
        emit completeChanged();
        return;
    }
    // Checked tables stay checked across a reload.
    QSet<QString> checked;
    for (const AddTablesMapping &m : m_wizard->mappings())
        checked.insert(m.table.schema + QLatin1Char('.') + m.table.name);
    m_filling = true;
    m_tree->clear();
    QHash<QString, QTreeWidgetItem *> schemas;
    const QList<CatalogTable> &catalog = m_wizard->catalog();
    for (int i = 0; i < catalog.size(); ++i) {
        const CatalogTable &t = catalog.at(i);
        QTreeWidgetItem *&schema = schemas[t.schema];
        if (!schema) {
            schema = new QTreeWidgetItem(m_tree, {t.schema});
            schema->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            schema->setToolTip(NameColumn, tr("Schema %1: check it to add all its tables that "
                                              "can be added")
                                               .arg(t.schema));
        }
        auto *item = new QTreeWidgetItem(schema);
        item->setData(NameColumn, kTableRole, i);
        item->setText(NameColumn, t.name);
        item->setText(RowsColumn,
                      t.rowEstimate < 0 ? tr("unknown") : QLocale().toString(t.rowEstimate));
        item->setTextAlignment(RowsColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(KeyColumn, t.hasPrimaryKey ? tr("yes") : tr("no"));
        QString tip;
        if (t.added) {
            item->setText(StateColumn, tr("already added"));
            tip = tr("%1 is already added on this node").arg(tableArgument(t.schema, t.name));
        } else if (!t.refusal.isEmpty()) {
            item->setText(StateColumn, t.refusal);
            tip = tr("%1 cannot be added: %2").arg(tableArgument(t.schema, t.name), t.refusal);
        }
        if (tip.isEmpty()) {
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            item->setCheckState(NameColumn, checked.contains(t.schema + QLatin1Char('.') + t.name)
                                                ? Qt::Checked
                                                : Qt::Unchecked);
            tip = tr("%1: check it to add it").arg(tableArgument(t.schema, t.name));
            // A schema with a table to add gets a check box for all of them.
            schema->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        } else {
            item->setFlags(Qt::ItemIsSelectable); // disabled, without a check box
        }
        for (int c = 0; c < ColumnCount; ++c)
            item->setToolTip(c, tip);
    }
    for (QTreeWidgetItem *schema : std::as_const(schemas))
        syncSchemaBox(schema);
    m_tree->expandAll();
    m_filling = false;
    applyFilter();
    onItemChanged(nullptr);
}

void AddTablesTablesPage::syncSchemaBox(QTreeWidgetItem *schema)
{
    if (!(schema->flags() & Qt::ItemIsUserCheckable))
        return;
    // It shows, and acts on, the tables the filter shows.
    int checked = 0;
    int addable = 0;
    for (int j = 0; j < schema->childCount(); ++j) {
        QTreeWidgetItem *t = schema->child(j);
        if (!(t->flags() & Qt::ItemIsUserCheckable) || t->isHidden())
            continue;
        ++addable;
        checked += t->checkState(NameColumn) == Qt::Checked ? 1 : 0;
    }
    const bool wasFilling = m_filling;
    m_filling = true;
    schema->setCheckState(NameColumn, checked == 0         ? Qt::Unchecked
                                      : checked == addable ? Qt::Checked
                                                           : Qt::PartiallyChecked);
    m_filling = wasFilling;
}

void AddTablesTablesPage::onItemChanged(QTreeWidgetItem *item)
{
    if (m_filling)
        return;
    // Tables without a primary key, added ones and those the filter hides
    // are left out of a schema's box (Qt's auto-tristate would check them too).
    if (item && !item->parent()) {
        const Qt::CheckState state = item->checkState(NameColumn);
        if (state != Qt::PartiallyChecked) {
            m_filling = true;
            for (int j = 0; j < item->childCount(); ++j) {
                QTreeWidgetItem *t = item->child(j);
                if ((t->flags() & Qt::ItemIsUserCheckable) && !t->isHidden())
                    t->setCheckState(NameColumn, state);
            }
            m_filling = false;
        }
    } else if (item) {
        syncSchemaBox(item->parent());
    }
    QList<CatalogTable> chosen;
    const QList<CatalogTable> &catalog = m_wizard->catalog();
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *s = m_tree->topLevelItem(i);
        for (int j = 0; j < s->childCount(); ++j) {
            QTreeWidgetItem *t = s->child(j);
            const int index = t->data(NameColumn, kTableRole).toInt();
            if ((t->flags() & Qt::ItemIsUserCheckable) && t->checkState(NameColumn) == Qt::Checked
                && index >= 0 && index < catalog.size())
                chosen.append(catalog.at(index));
        }
    }
    m_wizard->setChosen(chosen);
    updateStatus();
    emit completeChanged();
}

void AddTablesTablesPage::applyFilter()
{
    const QString text = m_filter->text().trimmed();
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *s = m_tree->topLevelItem(i);
        bool any = false;
        for (int j = 0; j < s->childCount(); ++j) {
            QTreeWidgetItem *t = s->child(j);
            const bool shown = text.isEmpty()
                               || (s->text(NameColumn) + QLatin1Char('.') + t->text(NameColumn))
                                      .contains(text, Qt::CaseInsensitive);
            t->setHidden(!shown);
            any = any || shown;
        }
        s->setHidden(!any);
        syncSchemaBox(s);
    }
}

void AddTablesTablesPage::updateStatus()
{
    int addable = 0;
    for (const CatalogTable &t : m_wizard->catalog())
        addable += t.refusal.isEmpty() && !t.added ? 1 : 0;
    m_status->setText(tr("%1 of %2 tables can be added; %3 checked")
                          .arg(addable)
                          .arg(m_wizard->catalog().size())
                          .arg(m_wizard->mappings().size()));
}

} // namespace ferry::gui
