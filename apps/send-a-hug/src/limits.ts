/**
 * Request limits, in one place: the route schemas and the services' own length checks use them.
 * What a request may carry, from the storage (migrations/0000_send_a_hug.sql): integers fit an
 * `integer` column, strings their `varchar(n)`, and everything else has a generous cap, so hostile
 * input is a 400 in the validation shape and never a database error (500) or a 422.
 */
export const LIMITS = {
  /** PostgreSQL `integer`: every id, counter and setting. */
  integerMin: -2_147_483_648,
  integerMax: 2_147_483_647,
  /**
   * Column lengths of texts the services check themselves, after the word filter, with the
   * original's descriptions ("Post text cannot be over 480 characters! …", spec §4.1, §4.10).
   */
  postText: 480,
  messageText: 480,
  displayName: 60,
  reportReason: 120,
  /**
   * The schema's cap on those texts and on search queries. Far above the column lengths so that the
   * services' checks (and their descriptions) still decide; it only stops absurd input early.
   */
  textInput: 10_000,
  /** `users.firebase_id varchar(50)`, for a new account. */
  firebaseId: 50,
  /** A Firebase UID to look up: Firebase's own limit (128); one longer than the column is simply not found (404). */
  firebaseUid: 128,
  /** `users.selected_character varchar(6)`: kitty, bear, dog. */
  selectedIcon: 6,
  /** `reports.type varchar(10)`: "Post" or "User" in any case. */
  reportType: 10,
  /** A forbidden word longer than the longest post or message could never match one. */
  filterWord: 480,
  /** Client dates (`toISOString()` output, at most 27 characters). */
  clientDate: 32,
  /** Words in the URL: `page`, list and mailbox types, `readStatus`. */
  urlWord: 1_000,
  /** One icon colour (e.g. "#BA9F93"). */
  colour: 32,
  /** A Web Push endpoint URL, its keys, and the whole subscription sent as a JSON string. */
  pushEndpoint: 2_048,
  pushKey: 256,
  pushSubscriptionJson: 8_192,
  /** A PushSubscription's `expirationTime` (ms since 1970): the latest instant a JavaScript Date holds. */
  dateMilliseconds: 8_640_000_000_000_000,
  /** Notification ids marked in one request (a page shows 20). */
  notificationIds: 1_000,
} as const
