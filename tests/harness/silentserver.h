#pragma once

#include <QtGlobal>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace ferry::test {

// A socket listening on a free loopback port (its number in `port`).
inline int listenOnLoopback(int backlog, int *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), length) != 0
        || ::listen(fd, backlog) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        qFatal("cannot listen on a loopback port");
    *port = ntohs(address.sin_port);
    return fd;
}

// A TCP port that accepts connections into its backlog and never answers: libpq
// connects and then waits for the server's first message until connect_timeout.
// Stands in for a database that hangs.
class SilentServer
{
public:
    SilentServer()
        : m_fd(listenOnLoopback(16, &m_port))
    {}
    ~SilentServer() { close(); }
    SilentServer(const SilentServer &) = delete;
    SilentServer &operator=(const SilentServer &) = delete;

    // Closing resets the connections waiting in the backlog: their clients fail at once.
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    int port() const { return m_port; }

private:
    int m_port = 0; // before m_fd, which fills it
    int m_fd = -1;
};

// A port that takes every connection and closes it at once, counting them:
// each connect fails as a lost link (not a refused login).
class SlammingServer
{
public:
    SlammingServer()
        : m_fd(listenOnLoopback(64, &m_port))
    {
        m_thread = std::thread([this] {
            while (!m_stop) {
                pollfd p{m_fd, POLLIN, 0};
                if (::poll(&p, 1, 50) > 0) {
                    const int client = ::accept(m_fd, nullptr, nullptr);
                    if (client >= 0) {
                        ++m_accepted;
                        ::close(client);
                    }
                }
            }
        });
    }
    ~SlammingServer()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    SlammingServer(const SlammingServer &) = delete;
    SlammingServer &operator=(const SlammingServer &) = delete;
    int port() const { return m_port; }
    int accepted() const { return m_accepted; }

private:
    int m_port = 0;
    int m_fd = -1;
    std::atomic_bool m_stop{false};
    std::atomic_int m_accepted{0};
    std::thread m_thread;
};

} // namespace ferry::test
