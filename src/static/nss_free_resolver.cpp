// Name lookup for the static binary without glibc NSS: getaddrinfo and
// freeaddrinfo are replaced at link time (-Wl,--wrap) by these c-ares versions.
//
// Why: a statically linked glibc still resolves names through NSS modules it
// dlopens at run time (libnss_dns, libnss_mdns, libnss_sss, ...), which must
// match the glibc we linked — on an analyst's laptop they do not, and the
// binary crashes or fails on the first host name. musl would avoid NSS, but
// Debian has no libstdc++ for musl. c-ares reads /etc/hosts and asks the
// nameservers in /etc/resolv.conf over UDP/TCP itself, so every caller —
// libpq above all, but also the gateway and doctor — resolves names the way
// the system is configured, with nothing loaded at run time. Hosts known only
// through NSS plugins (mDNS .local names, LDAP host maps) are not found; use
// an address or /etc/hosts for those. With no __real_getaddrinfo reference
// left, glibc's NSS-backed getaddrinfo is not even linked in.
#include <ares.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

namespace fleetmcp::static_build {
namespace {

struct Lookup {
  bool done = false;
  int status = ARES_SUCCESS;
  ares_addrinfo* result = nullptr;
};

void on_lookup_done(void* context, int status, int /*timeouts*/, ares_addrinfo* result) {
  auto* lookup = static_cast<Lookup*>(context);
  lookup->done = true;
  lookup->status = status;
  lookup->result = result;
}

int to_ares_flags(int flags) {
  int ares = 0;
  if (flags & AI_CANONNAME) ares |= ARES_AI_CANONNAME;
  if (flags & AI_NUMERICHOST) ares |= ARES_AI_NUMERICHOST;
  if (flags & AI_PASSIVE) ares |= ARES_AI_PASSIVE;
  return ares;
}

int to_gai_error(int ares_status) {
  switch (ares_status) {
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
      return EAI_NONAME;
    case ARES_ENOMEM:
      return EAI_MEMORY;
    case ARES_EBADFAMILY:
      return EAI_FAMILY;
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
      return EAI_AGAIN;
    default:
      return EAI_FAIL;
  }
}

// Drives one c-ares query to completion on its own channel (so concurrent
// callers need no shared state), honouring the resolv.conf timeouts.
int run_lookup(const char* name, const ares_addrinfo_hints& hints, ares_addrinfo** result) {
  static std::once_flag library_ready;
  std::call_once(library_ready, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  ares_channel channel = nullptr;
  if (int status = ares_init(&channel); status != ARES_SUCCESS) return status;
  Lookup lookup;
  ares_getaddrinfo(channel, name, nullptr, &hints, on_lookup_done, &lookup);
  while (!lookup.done) {
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> polled;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) polled.push_back({sockets[i], events, 0});
    }
    timeval wait{};
    ares_timeout(channel, nullptr, &wait);
    int ready = ::poll(polled.data(), polled.size(), static_cast<int>(wait.tv_sec * 1000 + wait.tv_usec / 1000));
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // lets c-ares retry or time out
      continue;
    }
    for (const pollfd& entry : polled)
      ares_process_fd(channel, (entry.revents & (POLLIN | POLLERR | POLLHUP)) ? entry.fd : ARES_SOCKET_BAD,
                      (entry.revents & POLLOUT) ? entry.fd : ARES_SOCKET_BAD);
  }
  ares_destroy(channel);
  *result = lookup.result;
  return lookup.status;
}

// Services come only as port numbers: the services database is NSS too.
bool parse_port(const char* service, in_port_t& port) {
  port = 0;
  if (service == nullptr || *service == '\0') return true;
  char* end = nullptr;
  unsigned long value = std::strtoul(service, &end, 10);
  if (*end != '\0' || value > std::numeric_limits<uint16_t>::max()) return false;
  port = htons(static_cast<in_port_t>(value));
  return true;
}

// One malloc block per entry (addrinfo, then the address, then the name), so
// freeaddrinfo frees exactly what we allocate.
addrinfo* make_entry(const sockaddr* address, socklen_t length, const addrinfo& hints, in_port_t port,
                     const char* canonical_name) {
  size_t name_size = canonical_name ? std::strlen(canonical_name) + 1 : 0;
  auto* block = static_cast<char*>(std::calloc(1, sizeof(addrinfo) + sizeof(sockaddr_storage) + name_size));
  if (block == nullptr) return nullptr;
  auto* entry = reinterpret_cast<addrinfo*>(block);
  auto* storage = reinterpret_cast<sockaddr*>(block + sizeof(addrinfo));
  std::memcpy(storage, address, length);
  if (storage->sa_family == AF_INET) reinterpret_cast<sockaddr_in*>(storage)->sin_port = port;
  if (storage->sa_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(storage)->sin6_port = port;
  entry->ai_family = storage->sa_family;
  entry->ai_socktype = hints.ai_socktype;
  entry->ai_protocol = hints.ai_protocol;
  entry->ai_addrlen = length;
  entry->ai_addr = storage;
  if (canonical_name) {
    entry->ai_canonname = block + sizeof(addrinfo) + sizeof(sockaddr_storage);
    std::memcpy(entry->ai_canonname, canonical_name, name_size);
  }
  return entry;
}

void free_entries(addrinfo* list) {
  while (list != nullptr) {
    addrinfo* next = list->ai_next;
    std::free(list);
    list = next;
  }
}

// A missing node means the wildcard (passive) or loopback address, as in glibc.
const char* name_for_missing_node(const addrinfo& hints) {
  bool passive = hints.ai_flags & AI_PASSIVE;
  if (hints.ai_family == AF_INET6) return passive ? "::" : "::1";
  return passive ? "0.0.0.0" : "127.0.0.1";
}

// A literal address is answered here, without c-ares: no lookup may leave the
// machine for "127.0.0.1" (c-ares would otherwise be free to ask a nameserver).
// Returns false when `node` is not a literal address.
bool literal_address(const char* node, const addrinfo& hints, in_port_t port, addrinfo** results, int& error) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  const sockaddr* address = nullptr;
  socklen_t length = 0;
  if (inet_pton(AF_INET, node, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    address = reinterpret_cast<const sockaddr*>(&v4);
    length = sizeof v4;
  } else if (inet_pton(AF_INET6, node, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    address = reinterpret_cast<const sockaddr*>(&v6);
    length = sizeof v6;
  } else {
    return false;
  }
  if (hints.ai_family != AF_UNSPEC && hints.ai_family != address->sa_family) {
    error = EAI_ADDRFAMILY;
    return true;
  }
  *results = make_entry(address, length, hints, port, (hints.ai_flags & AI_CANONNAME) ? node : nullptr);
  error = *results != nullptr ? 0 : EAI_MEMORY;
  return true;
}

}  // namespace

int resolve(const char* node, const char* service, const addrinfo* hints_or_null, addrinfo** results) {
  addrinfo hints{};
  if (hints_or_null != nullptr) hints = *hints_or_null;
  *results = nullptr;
  in_port_t port = 0;
  if (!parse_port(service, port)) return EAI_SERVICE;
  const char* name = node != nullptr ? node : name_for_missing_node(hints);
  if (int error = 0; literal_address(name, hints, port, results, error)) return error;
  if (hints.ai_flags & AI_NUMERICHOST) return EAI_NONAME;
  ares_addrinfo_hints query{to_ares_flags(hints.ai_flags), hints.ai_family, hints.ai_socktype, hints.ai_protocol};
  ares_addrinfo* found = nullptr;
  int status = run_lookup(name, query, &found);
  if (status != ARES_SUCCESS) return to_gai_error(status);
  const char* canonical = (hints.ai_flags & AI_CANONNAME) ? found->name : nullptr;
  addrinfo** tail = results;
  for (const ares_addrinfo_node* each = found->nodes; each != nullptr; each = each->ai_next) {
    *tail = make_entry(each->ai_addr, each->ai_addrlen, hints, port, canonical);
    if (*tail == nullptr) {
      ares_freeaddrinfo(found);
      free_entries(*results);
      *results = nullptr;
      return EAI_MEMORY;
    }
    canonical = nullptr;  // glibc names only the first entry
    tail = &(*tail)->ai_next;
  }
  ares_freeaddrinfo(found);
  return *results != nullptr ? 0 : EAI_NONAME;
}

}  // namespace fleetmcp::static_build

extern "C" int __wrap_getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** results) {
  return fleetmcp::static_build::resolve(node, service, hints, results);
}

extern "C" void __wrap_freeaddrinfo(addrinfo* list) { fleetmcp::static_build::free_entries(list); }
