#include "common/link_wire.h"

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace vermilion {
namespace {

// sd_bus_message_read returns 0 when the message (or container) ended
// before the value: for every format here that is a malformed message.
int need(int r) { return r == 0 ? -EBADMSG : r; }
int done(int r) { return r < 0 ? r : 0; }

// The D-Bus type of a field, by its C++ type.
template <typename T>
constexpr const char* dbus_type() {
  if constexpr (std::is_same_v<T, std::string>) return "s";
  else if constexpr (std::is_same_v<T, std::uint32_t>) return "u";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "i";
  else if constexpr (std::is_same_v<T, bool>) return "b";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "as";
  else if constexpr (std::is_same_v<T, std::vector<ExecCommandStatus>>) return kExecCommandListSignature;
  else if constexpr (std::is_same_v<T, std::vector<ConditionStatus>>) return kConditionListSignature;
  else {
    static_assert(std::is_same_v<T, std::uint64_t>, "a property of a type the dict does not carry");
    return "t";
  }
}

int read_strings(sd_bus_message* m, std::vector<std::string>& out);
int read_exec_commands(sd_bus_message* m, std::vector<ExecCommandStatus>& out);
int read_conditions(sd_bus_message* m, std::vector<ConditionStatus>& out);

template <typename T>
int append_value(sd_bus_message* m, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return sd_bus_message_append_basic(m, 's', value.c_str());
  } else if constexpr (std::is_same_v<T, bool>) {
    int b = value;  // sd-bus's boolean is an int
    return sd_bus_message_append_basic(m, 'b', &b);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return append_strings(m, value);
  } else if constexpr (std::is_same_v<T, std::vector<ExecCommandStatus>>) {
    return append_exec_commands(m, value, true);
  } else if constexpr (std::is_same_v<T, std::vector<ConditionStatus>>) {
    return append_conditions(m, value);
  } else {
    return sd_bus_message_append_basic(m, dbus_type<T>()[0], &value);
  }
}

template <typename T>
int read_value(sd_bus_message* m, T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    const char* s = nullptr;
    int r = sd_bus_message_read_basic(m, 's', &s);
    if (r > 0) value = s;
    return need(r);
  } else if constexpr (std::is_same_v<T, bool>) {
    int b = 0;
    int r = sd_bus_message_read_basic(m, 'b', &b);
    if (r > 0) value = b != 0;
    return need(r);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    int r = read_strings(m, value);
    return r < 0 ? r : 1;
  } else if constexpr (std::is_same_v<T, std::vector<ExecCommandStatus>>) {
    int r = read_exec_commands(m, value);
    return r < 0 ? r : 1;
  } else if constexpr (std::is_same_v<T, std::vector<ConditionStatus>>) {
    int r = read_conditions(m, value);
    return r < 0 ? r : 1;
  } else {
    return need(sd_bus_message_read_basic(m, dbus_type<T>()[0], &value));
  }
}

// One "{sv}" entry.
template <typename T>
int append_entry(sd_bus_message* m, const char* key, const T& value) {
  int r = sd_bus_message_open_container(m, 'e', "sv");
  if (r >= 0) r = sd_bus_message_append_basic(m, 's', key);
  if (r >= 0) r = sd_bus_message_open_container(m, 'v', dbus_type<T>());
  if (r >= 0) r = append_value(m, value);
  if (r >= 0) r = sd_bus_message_close_container(m);
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

// The variant of the entry whose key is `key`, read into its field; a key
// that is no property is skipped.
int read_entry_value(sd_bus_message* m, std::string_view key, ServiceStatus& out) {
  int r = 1;
  bool known = false;
  for_each_service_property([&](const char* name, auto member) {
    if (known || key != name) return;
    known = true;
    using T = std::remove_reference_t<decltype(out.*member)>;
    r = sd_bus_message_enter_container(m, 'v', dbus_type<T>());
    if (r > 0) r = read_value(m, out.*member);
    if (r > 0) r = sd_bus_message_exit_container(m);
    r = need(r);
  });
  if (!known) r = sd_bus_message_skip(m, "v");
  return r;
}


int read_strings(sd_bus_message* m, std::vector<std::string>& out) {
  out.clear();
  int r = need(sd_bus_message_enter_container(m, 'a', "s"));
  const char* s = nullptr;
  while (r > 0 && (r = sd_bus_message_read_basic(m, 's', &s)) > 0) out.emplace_back(s);
  return r < 0 ? r : sd_bus_message_exit_container(m);
}


int read_exec_commands(sd_bus_message* m, std::vector<ExecCommandStatus>& out) {
  std::vector<ExecCommandStatus> commands;
  int r = need(sd_bus_message_enter_container(m, 'a', "(sasasttttuii)"));
  while (r > 0 && (r = sd_bus_message_enter_container(m, 'r', "sasasttttuii")) > 0) {
    ExecCommandStatus c;
    const char* path = nullptr;
    r = need(sd_bus_message_read_basic(m, 's', &path));
    if (r > 0) {
      c.path = path;
      r = read_strings(m, c.argv);
    }
    if (r >= 0) r = read_strings(m, c.flags);
    if (r >= 0)
      r = need(sd_bus_message_read(m, "ttttuii", &c.start_realtime, &c.start_monotonic, &c.exit_realtime,
                                   &c.exit_monotonic, &c.pid, &c.code, &c.status));
    if (r > 0) r = sd_bus_message_exit_container(m);
    if (r > 0) commands.push_back(std::move(c));
  }
  if (r < 0) return r;
  r = sd_bus_message_exit_container(m);
  if (r >= 0) out = std::move(commands);
  return r;
}


int read_conditions(sd_bus_message* m, std::vector<ConditionStatus>& out) {
  std::vector<ConditionStatus> conditions;
  int r = need(sd_bus_message_enter_container(m, 'a', "(sbbsi)"));
  const char* type = nullptr;
  const char* parameter = nullptr;
  int trigger = 0, negate = 0;
  std::int32_t state = 0;
  while (r > 0 && (r = sd_bus_message_read(m, "(sbbsi)", &type, &trigger, &negate, &parameter, &state)) > 0)
    conditions.push_back({type, trigger != 0, negate != 0, parameter, state});
  if (r < 0) return r;
  r = sd_bus_message_exit_container(m);
  if (r >= 0) out = std::move(conditions);
  return r;
}

// The fields of one capability row, with or without its path.
int append_capability_fields(sd_bus_message* m, const CapabilityRow& row, bool with_path) {
  std::string rights = rights_to_string(row.rights);
  int r = sd_bus_message_append(m, "usss", row.slot, to_string(row.kind), row.object.c_str(), rights.c_str());
  if (r >= 0) r = sd_bus_message_append_basic(m, 't', &row.badge);
  if (r >= 0 && with_path) r = sd_bus_message_append_basic(m, 'o', row.path.c_str());
  return r;
}

int read_capability_fields(sd_bus_message* m, CapabilityRow& out, bool with_path) {
  const char* kind = nullptr;
  const char* object = nullptr;
  const char* rights = nullptr;
  const char* path = nullptr;
  int r = need(sd_bus_message_read(m, "usss", &out.slot, &kind, &object, &rights));
  if (r > 0) r = need(sd_bus_message_read_basic(m, 't', &out.badge));
  if (r > 0 && with_path) r = need(sd_bus_message_read_basic(m, 'o', &path));
  if (r < 0) return r;
  auto parsed_kind = parse_kind(kind);
  if (!parsed_kind) return -EBADMSG;
  auto parsed_rights = parse_rights(*parsed_kind, rights);
  if (!parsed_rights.rights) return -EBADMSG;
  out.kind = *parsed_kind;
  out.object = object;
  out.rights = *parsed_rights.rights;
  out.path = path ? path : "";
  return 1;
}

// An array of structs: `append_one` writes one struct's fields.
template <typename Row, typename AppendOne>
int append_array(sd_bus_message* m, const char* contents, const std::vector<Row>& rows, AppendOne append_one) {
  std::string_view inner(contents);
  std::string fields(inner.substr(1, inner.size() - 2));  // "(usssto)" -> "usssto"
  int r = sd_bus_message_open_container(m, 'a', contents);
  for (const Row& row : rows) {
    if (r < 0) break;
    r = sd_bus_message_open_container(m, 'r', fields.c_str());
    if (r >= 0) r = append_one(row);
    if (r >= 0) r = sd_bus_message_close_container(m);
  }
  return done(r < 0 ? r : sd_bus_message_close_container(m));
}

// The reader's half: `read_one` fills one struct's fields (> 0 on success).
template <typename Row, typename ReadOne>
int read_array(sd_bus_message* m, const char* contents, std::vector<Row>& out, ReadOne read_one) {
  std::string_view inner(contents);
  std::string fields(inner.substr(1, inner.size() - 2));
  std::vector<Row> rows;
  int r = need(sd_bus_message_enter_container(m, 'a', contents));
  while (r > 0 && (r = sd_bus_message_enter_container(m, 'r', fields.c_str())) > 0) {
    Row row;
    r = need(read_one(row));
    if (r > 0) r = sd_bus_message_exit_container(m);
    if (r > 0) rows.push_back(std::move(row));
  }
  if (r < 0) return r;
  if ((r = sd_bus_message_exit_container(m)) < 0) return r;
  out = std::move(rows);
  return 0;
}

}  // namespace

// ---- lists the bridge sends on as they are ----------------------------------

int append_strings(sd_bus_message* m, const std::vector<std::string>& strings) {
  int r = sd_bus_message_open_container(m, 'a', "s");
  for (const std::string& s : strings) {
    if (r < 0) break;
    r = sd_bus_message_append_basic(m, 's', s.c_str());
  }
  return r < 0 ? r : sd_bus_message_close_container(m);
}

int append_exec_commands(sd_bus_message* m, const std::vector<ExecCommandStatus>& commands, bool ex) {
  int r = sd_bus_message_open_container(m, 'a', ex ? "(sasasttttuii)" : "(sasbttttuii)");
  for (const ExecCommandStatus& c : commands) {
    if (r >= 0) r = sd_bus_message_open_container(m, 'r', ex ? "sasasttttuii" : "sasbttttuii");
    if (r >= 0) r = sd_bus_message_append_basic(m, 's', c.path.c_str());
    if (r >= 0) r = append_strings(m, c.argv);
    if (r >= 0) r = ex ? append_strings(m, c.flags) : sd_bus_message_append(m, "b", c.ignore_failure());
    if (r >= 0)
      r = sd_bus_message_append(m, "ttttuii", c.start_realtime, c.start_monotonic, c.exit_realtime, c.exit_monotonic,
                                c.pid, c.code, c.status);
    if (r >= 0) r = sd_bus_message_close_container(m);
  }
  return r < 0 ? r : sd_bus_message_close_container(m);
}

int append_conditions(sd_bus_message* m, const std::vector<ConditionStatus>& conditions) {
  int r = sd_bus_message_open_container(m, 'a', "(sbbsi)");
  for (const ConditionStatus& c : conditions) {
    if (r >= 0)
      r = sd_bus_message_append(m, "(sbbsi)", c.type.c_str(), static_cast<int>(c.trigger), static_cast<int>(c.negate),
                                c.parameter.c_str(), c.state);
  }
  return r < 0 ? r : sd_bus_message_close_container(m);
}

// ---- a service's status -----------------------------------------------------

int append_service_properties(sd_bus_message* m, const ServiceStatus& status) {
  int r = sd_bus_message_open_container(m, 'a', "{sv}");
  for_each_service_property([&](const char* key, auto member) {
    if (r >= 0) r = append_entry(m, key, status.*member);
  });
  return done(r < 0 ? r : sd_bus_message_close_container(m));
}

int read_service_properties(sd_bus_message* m, ServiceStatus& out) {
  int r = need(sd_bus_message_enter_container(m, 'a', "{sv}"));
  while (r > 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* key = nullptr;
    r = need(sd_bus_message_read_basic(m, 's', &key));
    if (r > 0) r = read_entry_value(m, key, out);
    if (r > 0) r = sd_bus_message_exit_container(m);
  }
  return done(r < 0 ? r : sd_bus_message_exit_container(m));
}

int append_service_table(sd_bus_message* m, const std::vector<ServiceStatus>& services) {
  return append_array(m, "(sa{sv})", services, [m](const ServiceStatus& s) {
    int r = sd_bus_message_append_basic(m, 's', s.name.c_str());
    return r < 0 ? r : append_service_properties(m, s);
  });
}

int read_service_table(sd_bus_message* m, std::vector<ServiceStatus>& out) {
  return read_array(m, "(sa{sv})", out, [m](ServiceStatus& s) {
    int r = read_value(m, s.name);  // the dict's Name, if any, overrides it
    if (r > 0) r = read_service_properties(m, s);
    return r < 0 ? r : 1;
  });
}

int append_service_properties_changed(sd_bus_message* m, const ServiceStatus& status) {
  int r = sd_bus_message_append_basic(m, 's', status.name.c_str());
  return r < 0 ? r : append_service_properties(m, status);
}

int read_service_properties_changed(sd_bus_message* m, ServiceStatus& out) {
  int r = read_value(m, out.name);  // the dict's Name, if any, overrides it
  if (r > 0) r = read_service_properties(m, out);
  return done(r);
}

int append_service_state_changed(sd_bus_message* m, const ServiceStatus& status) {
  return done(sd_bus_message_append(m, "sss", status.name.c_str(), status.active_state.c_str(),
                                    status.sub_state.c_str()));
}

int read_service_state_changed(sd_bus_message* m, ServiceStatus& out) {
  int r = read_value(m, out.name);
  if (r > 0) r = read_value(m, out.active_state);
  if (r > 0) r = read_value(m, out.sub_state);
  return done(r);
}

int append_service_status_reply(sd_bus_message* m, const ServiceStatus& s) {
  return done(sd_bus_message_append(m, "sssuuis", s.active_state.c_str(), s.sub_state.c_str(), s.result.c_str(),
                                    s.main_pid, s.n_restarts, s.exec_main_status, s.description.c_str()));
}

int read_service_status_reply(sd_bus_message* m, ServiceStatus& out) {
  int r = read_value(m, out.active_state);
  if (r > 0) r = read_value(m, out.sub_state);
  if (r > 0) r = read_value(m, out.result);
  if (r > 0) r = read_value(m, out.main_pid);
  if (r > 0) r = read_value(m, out.n_restarts);
  if (r > 0) r = read_value(m, out.exec_main_status);
  if (r > 0) r = read_value(m, out.description);
  return done(r);
}

int append_service_list(sd_bus_message* m, const std::vector<ServiceStatus>& services) {
  return append_array(m, "(ssss)", services, [m](const ServiceStatus& s) {
    return sd_bus_message_append(m, "ssss", s.name.c_str(), s.description.c_str(), s.active_state.c_str(),
                                 s.sub_state.c_str());
  });
}

int read_service_list(sd_bus_message* m, std::vector<ServiceStatus>& out) {
  return read_array(m, "(ssss)", out, [m](ServiceStatus& s) {
    int r = read_value(m, s.name);
    if (r > 0) r = read_value(m, s.description);
    if (r > 0) r = read_value(m, s.active_state);
    if (r > 0) r = read_value(m, s.sub_state);
    return r;
  });
}

// ---- capabilities -----------------------------------------------------------

int append_capability(sd_bus_message* m, const CapabilityRow& row) {
  return done(append_capability_fields(m, row, true));
}

int read_capability(sd_bus_message* m, CapabilityRow& out) { return done(read_capability_fields(m, out, true)); }

int append_capabilities(sd_bus_message* m, const std::vector<CapabilityRow>& rows) {
  return append_array(m, "(usssto)", rows, [m](const CapabilityRow& row) {
    return append_capability_fields(m, row, true);
  });
}

int read_capabilities(sd_bus_message* m, std::vector<CapabilityRow>& out) {
  return read_array(m, "(usssto)", out, [m](CapabilityRow& row) { return read_capability_fields(m, row, true); });
}

int append_capabilities_of(sd_bus_message* m, const std::vector<CapabilityRow>& rows) {
  return append_array(m, "(ussst)", rows, [m](const CapabilityRow& row) {
    return append_capability_fields(m, row, false);
  });
}

int read_capabilities_of(sd_bus_message* m, std::vector<CapabilityRow>& out) {
  return read_array(m, "(ussst)", out, [m](CapabilityRow& row) { return read_capability_fields(m, row, false); });
}

// ---- [Bus] rules ------------------------------------------------------------

int append_bus_rules(sd_bus_message* m, const std::vector<BusRuleText>& rules) {
  return append_array(m, "(asasssss)", rules, [m](const BusRuleText& rule) {
    int r = append_strings(m, rule.users);
    if (r >= 0) r = append_strings(m, rule.groups);
    if (r >= 0)
      r = sd_bus_message_append(m, "ssss", rule.service_glob.c_str(), rule.rights.c_str(),
                                rule.manager_rights.c_str(), rule.where.c_str());
    return r;
  });
}

int read_bus_rules(sd_bus_message* m, std::vector<BusRuleText>& out) {
  return read_array(m, "(asasssss)", out, [m](BusRuleText& rule) {
    int r = read_strings(m, rule.users);
    if (r > 0) r = read_strings(m, rule.groups);
    if (r > 0) r = read_value(m, rule.service_glob);
    if (r > 0) r = read_value(m, rule.rights);
    if (r > 0) r = read_value(m, rule.manager_rights);
    if (r > 0) r = read_value(m, rule.where);
    return r;
  });
}

}  // namespace vermilion
