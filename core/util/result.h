#pragma once

#include "error.h"

#include <QtGlobal>

#include <optional>
#include <utility>
#include <variant>

namespace ferry {

// A value or an Error. Errors travel as values: no exception crosses a thread,
// a signal or the libpq boundary. Accessing value() of a failed result (or
// error() of a good one) is a programming error and asserts.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {}
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() &
    {
        Q_ASSERT(ok());
        return std::get<0>(m_data);
    }
    const T &value() const &
    {
        Q_ASSERT(ok());
        return std::get<0>(m_data);
    }
    T &&value() &&
    {
        Q_ASSERT(ok());
        return std::get<0>(std::move(m_data));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const
    {
        Q_ASSERT(!ok());
        return std::get<1>(m_data);
    }
    Error &error()
    {
        Q_ASSERT(!ok());
        return std::get<1>(m_data);
    }

private:
    std::variant<T, Error> m_data;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const
    {
        Q_ASSERT(!ok());
        return *m_error;
    }
    Error &error()
    {
        Q_ASSERT(!ok());
        return *m_error;
    }

private:
    std::optional<Error> m_error;
};

} // namespace ferry
