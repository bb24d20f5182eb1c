import ShopPostgres

extension EventQuery {
    /// The SELECT for this query: SQL assembled only from constant fragments, every value a parameter.
    ///
    /// Order is commit order: entry id, then topic. With a topic filter the cursor's topic tiebreak is decided
    /// here, so PostgreSQL keeps a plain `(entry_ms, entry_seq)` range on the `(topic, entry_ms, entry_seq)` index.
    func statement() -> (sql: String, parameters: [PostgresValue?]) {
        var conditions: [String] = []
        var parameters: [PostgresValue?] = []
        func parameter(_ value: PostgresValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let topic { conditions.append("topic = \(parameter(.text(topic.rawValue)))") }
        if let action { conditions.append("action = \(parameter(.text(action.rawValue)))") }
        if let aggregateID { conditions.append("aggregate_id = \(parameter(.text(aggregateID)))") }
        if let correlationID { conditions.append("correlation_id = \(parameter(.text(correlationID)))") }
        if let contains { conditions.append("entity @> \(parameter(.json(contains)))::jsonb") }
        if let after {
            let ms = parameter(.int(Int64(after.entryID.milliseconds)))
            let seq = parameter(.int(Int64(after.entryID.sequence)))
            switch (topic, after.topic) {
            case (_, nil):
                conditions.append("(entry_ms, entry_seq) > (\(ms), \(seq))")
            case (let filter?, let cursorTopic?):
                let inclusive = filter.rawValue > cursorTopic.rawValue
                conditions.append("(entry_ms, entry_seq) \(inclusive ? ">=" : ">") (\(ms), \(seq))")
            case (nil, let cursorTopic?):
                conditions.append("(entry_ms, entry_seq, topic) > (\(ms), \(seq), \(parameter(.text(cursorTopic.rawValue))))")
            }
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = Self.selectList + filter + " ORDER BY entry_ms, entry_seq, topic LIMIT " + parameter(.int(Int64(limit)))
        return (sql, parameters)
    }

    /// The columns an archived event is read back with, plus its API JSON built by PostgreSQL.
    static let selectList = """
        SELECT event_id::text AS event_id, topic, action, entry_id, aggregate_id, version,
               (extract(epoch FROM occurred_at) * 1000)::bigint AS occurred_ms, correlation_id, causation_id, entity::text AS entity,
               json_build_object('event_id', event_id, 'topic', topic, 'action', action, 'entry_id', entry_id,
                                 'aggregate_id', aggregate_id, 'version', version,
                                 'occurred_at', (extract(epoch FROM occurred_at) * 1000)::bigint,
                                 'correlation_id', correlation_id, 'causation_id', causation_id,
                                 'entity', entity)::text AS json
        FROM events
        """
}
