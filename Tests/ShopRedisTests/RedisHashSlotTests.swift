import Testing
@testable import ShopRedis

@Suite("Cluster hash slots (CRC16 and hash tags, per the Redis Cluster specification)")
struct RedisHashSlotTests {
    @Test func crc16MatchesTheSpecificationsCheckValue() {
        // The specification's reference: CRC16 (XMODEM) of "123456789" is 0x31C3.
        #expect(RedisCRC16.checksum(of: Array("123456789".utf8)) == 0x31C3)
        #expect(RedisHashSlot(key: "123456789").rawValue == 0x31C3)
    }

    @Test(arguments: [("foo", 12182), ("bar", 5061), ("hello", 866), ("", 0)])
    func knownKeysLandOnTheirSlots(key: String, slot: Int) {
        #expect(RedisHashSlot(key: key) == RedisHashSlot(slot))
    }

    @Test func hashTagsFollowTheSpecificationsExamples() {
        // `{user1000}.following` and `{user1000}.followers` hash only `user1000`.
        #expect(RedisHashSlot(key: "{user1000}.following") == RedisHashSlot(key: "user1000"))
        #expect(RedisHashSlot(key: "{user1000}.followers") == RedisHashSlot(key: "user1000"))
        // `foo{}{bar}`: the first `{}` is empty, so the whole key is hashed.
        #expect(RedisHashSlot(key: "foo{}{bar}") == wholeKeySlot("foo{}{bar}"))
        #expect(RedisHashSlot(key: "foo{}{bar}") != RedisHashSlot(key: "bar"))
        // `foo{{bar}}zap`: the tag is `{bar` (from the first `{` to the first `}` after it).
        #expect(RedisHashSlot(key: "foo{{bar}}zap") == RedisHashSlot(key: "{bar"))
        // `foo{bar}{zap}`: only the first tag counts.
        #expect(RedisHashSlot(key: "foo{bar}{zap}") == RedisHashSlot(key: "bar"))
        // No closing brace: the whole key.
        #expect(RedisHashSlot(key: "foo{bar") == wholeKeySlot("foo{bar"))
    }

    @Test func everyKeyOfATopicSharesTheTopicsSlot() {
        let slot = RedisHashSlot(key: "{order}_ids")
        for key in ["events:{order}_created", "events:{order}_updated", "{order}_entity:42", "{order}_versions", "deadletter:{order}"] {
            #expect(RedisHashSlot(key: key) == slot, "\(key)")
        }
        #expect(RedisHashSlot(key: "{inventory}_ids") != slot)
    }

    @Test func bytesAndTextHashAlike() {
        #expect(RedisHashSlot(key: Array("events:{customer}_created".utf8)) == RedisHashSlot(key: "events:{customer}_created"))
        #expect(RESPArgument(bytes: Array("{a}x".utf8)).hashSlot == RedisHashSlot(key: "a"))
        #expect(RESPArgument(12182).hashSlot == RedisHashSlot(key: "12182"))
    }

    @Test func slotNumbersOutsideTheRangeAreRefused() {
        #expect(RedisHashSlot(-1) == nil)
        #expect(RedisHashSlot(16384) == nil)
        #expect(RedisHashSlot(16383)?.rawValue == 16383)
    }
}

/// The slot of a key hashed whole, ignoring braces.
private func wholeKeySlot(_ key: String) -> RedisHashSlot? {
    RedisHashSlot(Int(RedisCRC16.checksum(of: Array(key.utf8)) & 16383))
}
