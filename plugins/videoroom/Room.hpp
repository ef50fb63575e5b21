// One VideoRoom room: its options, its publisher-type participants and its subscriptions. Not thread-safe on its own:
// every Room is reached through VideoRoomPlugin's mutex (one lock for the plugin's whole state; control-plane rates
// make a finer scheme not worth its deadlock risk).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "plugins/videoroom/Participant.hpp"
#include "plugins/videoroom/RoomOptions.hpp"

namespace portunus::plugins::videoroom {

class Room {
 public:
  Room(RoomOptions options, bool stringIds) : options_(std::move(options)), stringIds_(stringIds) {}

  RoomOptions& options() noexcept { return options_; }
  const RoomOptions& options() const noexcept { return options_; }
  const std::string& id() const noexcept { return options_.id; }
  /** An id (room or participant) as this plugin shows it: an integer, or a string with string_ids. */
  nlohmann::json idJson(const std::string& id) const;
  nlohmann::json roomJson() const { return idJson(options_.id); }

  // Publisher-type participants, by participant id.
  const std::map<std::string, std::shared_ptr<Publisher>>& participants() const noexcept { return participants_; }
  std::shared_ptr<Publisher> participant(const std::string& id) const;
  void addParticipant(std::shared_ptr<Publisher> p) { participants_[p->id] = std::move(p); }
  void removeParticipant(const std::string& id) { participants_.erase(id); }
  /** Participants that publish media now (the `publishers` limit counts these). */
  std::size_t activePublishers() const;

  // Subscription handles in this room.
  std::set<cp::HandleId>& subscribers() noexcept { return subscribers_; }

  /** `publishers` entries for everyone published except `except` (Janus's joined/publishers lists). */
  nlohmann::json publishersJson(const std::string& except = {}) const;
  /** `attendees`: participants that do not publish, except `except` (with notify_joining). */
  nlohmann::json attendeesJson(const std::string& except = {}) const;
  /** `listparticipants` entries. */
  nlohmann::json participantsJson() const;
  /** The `list` entry. */
  nlohmann::json listJson() const;
  /** One publisher as the `publishers` arrays show it. */
  nlohmann::json publisherJson(const Publisher& p) const;

  /** Whether `token` passes the `allowed` ACL (always, when the ACL is off). */
  bool allows(const std::string* token) const;

 private:
  RoomOptions options_;
  bool stringIds_;
  std::map<std::string, std::shared_ptr<Publisher>> participants_;
  std::set<cp::HandleId> subscribers_;
};

}  // namespace portunus::plugins::videoroom
