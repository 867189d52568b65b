#include "common/emptystatewidget.h"

#include "app/application.h"

#include <QBoxLayout>
#include <QEvent>
#include <QLabel>
#include <QPushButton>

namespace ferry::gui {

namespace {

constexpr int IconSize = 96;
constexpr int TextWidth = 560;

QLabel *makeParagraph(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

EmptyStateWidget::EmptyStateWidget(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("emptyState"));

    m_icon = new QLabel(this);
    m_icon->setObjectName(QStringLiteral("emptyStateIcon"));
    m_icon->setAlignment(Qt::AlignHCenter);
    m_icon->setPixmap(applicationIcon().pixmap(IconSize, IconSize));

    m_title = makeParagraph(QStringLiteral("emptyStateTitle"), this);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_summary = makeParagraph(QStringLiteral("emptyStateSummary"), this);
    m_open = new QPushButton(this);
    m_open->setObjectName(QStringLiteral("emptyStateOpen"));
    connect(m_open, &QPushButton::clicked, this, &EmptyStateWidget::openRequested);
    m_roadmap = makeParagraph(QStringLiteral("emptyStateRoadmap"), this);
    m_roadmap->setForegroundRole(QPalette::PlaceholderText);

    // The text column is as wide as the window allows, up to TextWidth, and centred.
    // The labels take the column's full width so that word wrap can compute their
    // height; centring them one by one would shrink them to their size hints and clip.
    auto *column = new QWidget(this);
    column->setMaximumWidth(TextWidth);
    column->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->setSpacing(16);
    columnLayout->addWidget(m_icon);
    columnLayout->addWidget(m_title);
    columnLayout->addWidget(m_summary);
    columnLayout->addWidget(m_open, 0, Qt::AlignHCenter);
    columnLayout->addWidget(m_roadmap);

    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 100);
    row->addStretch(1);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(32, 32, 32, 32);
    outer->addStretch(2);
    outer->addLayout(row);
    outer->addStretch(3);

    retranslateUi();
}

void EmptyStateWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void EmptyStateWidget::retranslateUi()
{
    m_title->setText(tr("Welcome to Ferry"));
    m_summary->setText(tr("Ferry replicates PostgreSQL tables through a queue: triggers on the "
                          "source tables record every change, and workers apply the changes to "
                          "the other nodes in the order they happened."));
    m_open->setText(tr("Open Config…"));
    m_open->setToolTip(tr("Open a Ferry job's CONFIG.ini and watch its cascade live"));
    m_roadmap->setText(tr("Open the CONFIG.ini of a root or leaf node, or a saved connection "
                          "profile (File > Connection Profiles), to watch its cascade live: the "
                          "state, lag and tables of every node, the worker's log, the lag chart "
                          "and the errors the workers stored."));
}

} // namespace ferry::gui
