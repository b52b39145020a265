#pragma once

#include <QDialog>
#include <QJsonObject>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace Laces::App {

// Asks how a ticket was resolved: the code the server requires (failure, no fault,
// preventive), the component that was dealt with and notes.
class ResolveDialog : public QDialog
{
    Q_OBJECT

public:
    ResolveDialog(const QString &ticketTitle, const QString &component, QWidget *parent = nullptr);

    // {code, component?, notes?} as PATCH /maintenance/tickets/{id} takes it.
    QJsonObject resolution() const;
    void setCode(const QString &code);
    void setNotes(const QString &notes);

private:
    QComboBox *m_code;
    QLineEdit *m_component;
    QPlainTextEdit *m_notes;
};

} // namespace Laces::App
