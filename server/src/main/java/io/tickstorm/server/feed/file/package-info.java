/**
 * Reading tick recordings ({@code FEED_SOURCE=file}): NDJSON as {@code tick-storm-client --json} prints it, or CSV
 * with a header, either of them gzipped, or NDJSON on standard input.
 *
 * <pre>
 *  FEED_FILE ──► {@link io.tickstorm.server.feed.file.TickLineReader} (its own thread: read, gunzip, cut into
 *                  chunks of whole lines)
 *            ──► {@link io.tickstorm.server.feed.file.LineChunk} (lines, numbered) on the feed thread
 *            ──► {@link io.tickstorm.server.feed.file.TickLineParser} ({@link
 *                  io.tickstorm.server.feed.file.NdjsonTickParser} or {@link
 *                  io.tickstorm.server.feed.file.CsvTickParser}: syntax, types and PROTOCOL.md §6 rules)
 *            ──► {@link io.tickstorm.server.feed.file.TickRecord} (reused) or a
 *                  {@link io.tickstorm.server.feed.MalformedReason}
 * </pre>
 *
 * Nothing here allocates per line in steady state: chunks are recycled, records are reused, symbols are byte
 * ranges of the chunk, numbers are converted without Strings. {@link io.tickstorm.server.feed.file.TickFileFormat}
 * picks the format from the file name. What to do with a tick (time shifting, the symbol universe, counting
 * rejects) is the file source's job, not this package's.
 */
package io.tickstorm.server.feed.file;
