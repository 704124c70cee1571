using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>Idempotency-Key on the existing station write (POST /api/v1/stations, editor key) over the real database.</summary>
public sealed class IdempotencyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static object Station(string name, int capacity = 8) => new
    {
        name,
        address = "杭州市上城区望江路1号",
        district = "上城区",
        lon = 120.19,
        lat = 30.24,
        tier = "standard",
        opening_hours = "Mo-Su 08:00-20:00",
        capacity,
    };

    static Task<HttpResponseMessage> Post(HttpClient client, object body, string? key, string path = "/api/v1/stations")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    Task<long> CountAsync(string name) => api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name = $1", name);

    async Task ExecAsync(string sql)
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_repeat_with_the_same_key_returns_the_first_answer_and_writes_one_row()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var key = Guid.NewGuid().ToString();
        var first = await Post(editor, Station("望江幂等驿站"), key);
        var created = await first.Json(201);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var again = await Post(editor, Station("望江幂等驿站"), key);
        var replayed = await again.Json(201);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(created.ToJsonString(), replayed.ToJsonString());
        Assert.Equal(1L, await CountAsync("望江幂等驿站"));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM station_audit WHERE station_id = $1", (long)created["id"]!));
        Assert.Equal(201, await api.ScalarAsync<int>("SELECT status FROM idempotency_record WHERE key = $1", key));

        // A PATCH repeated with its key: the same answer and ETag, and the version moves once.
        var patchKey = Guid.NewGuid().ToString();
        HttpRequestMessage Patch()
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{created["id"]}")
            { Content = new StringContent("{\"capacity\": 20}", System.Text.Encoding.UTF8, "application/merge-patch+json") };
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", patchKey);
            return request;
        }
        var patched = await editor.SendAsync(Patch());
        await patched.Json(200);
        var repatched = await editor.SendAsync(Patch());
        await repatched.Json(200);   // not 412: the stale If-Match is never looked at again
        Assert.Equal("true", repatched.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("\"2\"", patched.Headers.ETag?.Tag);
        Assert.Equal(patched.Headers.ETag, repatched.Headers.ETag);
        Assert.Equal(2, await api.ScalarAsync<int>("SELECT version FROM station WHERE id = $1", (long)created["id"]!));

        // Without a key every POST is a new station, as before.
        await Post(editor, Station("望江幂等驿站"), null).Json(201);
        Assert.Equal(2L, await CountAsync("望江幂等驿站"));
    }

    [Fact]
    public async Task The_same_key_for_another_request_is_422_and_keys_are_per_caller()
    {
        var editorKey = await api.CreateKeyAsync("editor");
        var editor = api.Client(editorKey);
        var key = Guid.NewGuid().ToString();
        await Post(editor, Station("复用键驿站"), key).Json(201);

        var reused = await Post(editor, Station("复用键驿站", capacity: 9), key).Problem(422);
        Assert.Equal("/problems/idempotency-key-reused", (string?)reused["type"]);
        var otherPath = await Post(editor, Station("复用键驿站"), key, "/api/v1/stations?crs=wgs84").Problem(422);
        Assert.Equal("/problems/idempotency-key-reused", (string?)otherPath["type"]);
        Assert.Equal(1L, await CountAsync("复用键驿站"));

        // Another API key has its own keys: the same key value is a new request there.
        var other = api.Client(await api.CreateKeyAsync("editor"));
        var response = await Post(other, Station("复用键驿站", capacity: 9), key);
        await response.Json(201);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2L, await CountAsync("复用键驿站"));
    }

    [Fact]
    public async Task A_5xx_answer_is_not_kept_so_a_retry_with_the_same_key_runs()
    {
        await ExecAsync("""
            CREATE FUNCTION test_fail_station() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.name = '故障注入驿站' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER test_fail_station BEFORE INSERT ON station FOR EACH ROW EXECUTE FUNCTION test_fail_station();
            """);
        try
        {
            var editor = api.Client(await api.CreateKeyAsync("editor"));
            var key = Guid.NewGuid().ToString();
            var failed = await Post(editor, Station("故障注入驿站"), key);
            Assert.True((int)failed.StatusCode >= 500, $"expected a 5xx, got {(int)failed.StatusCode}: {await failed.Content.ReadAsStringAsync()}");
            Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM idempotency_record WHERE key = $1", key));

            await ExecAsync("DROP TRIGGER test_fail_station ON station");
            var retry = await Post(editor, Station("故障注入驿站"), key);
            await retry.Json(201);
            Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(1L, await CountAsync("故障注入驿站"));
        }
        finally
        {
            await ExecAsync("DROP TRIGGER IF EXISTS test_fail_station ON station; DROP FUNCTION IF EXISTS test_fail_station()");
        }
    }

    [Fact]
    public async Task A_repeat_while_the_first_still_runs_gets_409_with_Retry_After_then_the_first_answer()
    {
        await ExecAsync("""
            CREATE FUNCTION test_slow_station() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.name = '慢速驿站' THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW; END $$;
            CREATE TRIGGER test_slow_station BEFORE INSERT ON station FOR EACH ROW EXECUTE FUNCTION test_slow_station();
            """);
        try
        {
            var editor = api.Client(await api.CreateKeyAsync("editor"));
            var key = Guid.NewGuid().ToString();
            var slow = Post(editor, Station("慢速驿站"), key);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (await api.ScalarAsync<long>("SELECT count(*) FROM idempotency_record WHERE key = $1", key) == 0)
            {
                Assert.True(watch.Elapsed.TotalSeconds < 10, "the first request never claimed its key");
                await Task.Delay(20);
            }
            var busy = await Post(editor, Station("慢速驿站"), key);
            var problem = await busy.Problem(409);
            Assert.Equal("/problems/idempotency-in-progress", (string?)problem["type"]);
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());

            var created = await (await slow).Json(201);
            var replay = await Post(editor, Station("慢速驿站"), key);
            Assert.Equal((long)created["id"]!, (long)(await replay.Json(201))["id"]!);
            Assert.Equal(1L, await CountAsync("慢速驿站"));
        }
        finally
        {
            await ExecAsync("DROP TRIGGER IF EXISTS test_slow_station ON station; DROP FUNCTION IF EXISTS test_slow_station()");
        }
    }

    [Fact]
    public async Task An_answer_the_database_refused_to_store_is_stored_in_the_background_and_then_replayed()
    {
        // The write goes through; storing its answer fails (as in a database blip just after it),
        // until the table test_answer_ok exists.
        var key = Guid.NewGuid().ToString();
        await ExecAsync($$"""
            CREATE FUNCTION test_fail_answer() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.key = '{{key}}' AND NEW.status IS NOT NULL AND to_regclass('test_answer_ok') IS NULL THEN RAISE EXCEPTION 'injected failure'; END IF;
                  RETURN NEW; END $$;
            CREATE TRIGGER test_fail_answer BEFORE UPDATE ON idempotency_record FOR EACH ROW EXECUTE FUNCTION test_fail_answer();
            """);
        Task<int> StoredStatusAsync() => api.ScalarAsync<int>("SELECT coalesce(status, 0) FROM idempotency_record WHERE key = $1", key);
        try
        {
            var editor = api.Client(await api.CreateKeyAsync("editor"));
            var created = await (await Post(editor, Station("答案暂存驿站"), key)).Json(201);
            Assert.Equal(0, await StoredStatusAsync());

            // Not stored yet: a repeat is told to come back, and nothing is written twice.
            var busy = await Post(editor, Station("答案暂存驿站"), key);
            Assert.Equal("/problems/idempotency-in-progress", (string?)(await busy.Problem(409))["type"]);

            // The database takes it again: the background store lands, and the repeat gets the first answer.
            await ExecAsync("CREATE TABLE test_answer_ok ()");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (await StoredStatusAsync() == 0)
            {
                Assert.True(watch.Elapsed.TotalSeconds < 20, "the answer was never stored");
                await Task.Delay(100);
            }
            var replay = await Post(editor, Station("答案暂存驿站"), key);
            Assert.Equal((long)created["id"]!, (long)(await replay.Json(201))["id"]!);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(1L, await CountAsync("答案暂存驿站"));
        }
        finally
        {
            await ExecAsync("DROP TRIGGER IF EXISTS test_fail_answer ON idempotency_record; DROP FUNCTION IF EXISTS test_fail_answer(); DROP TABLE IF EXISTS test_answer_ok");
        }
    }

    [Fact]
    public async Task A_bad_key_is_a_400_naming_Idempotency_Key_and_writes_nothing()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        await Post(editor, Station("坏键驿站"), new string('k', 256)).Problem(400, "Idempotency-Key");
        var twice = new HttpRequestMessage(HttpMethod.Post, "/api/v1/stations") { Content = JsonContent.Create(Station("坏键驿站")) };
        twice.Headers.TryAddWithoutValidation("Idempotency-Key", ["one", "two"]);
        await (await editor.SendAsync(twice)).Problem(400, "Idempotency-Key");
        Assert.Equal(0L, await CountAsync("坏键驿站"));
    }

    [Fact]
    public async Task A_record_expires_after_24_hours_and_reads_and_refused_writes_claim_nothing()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var key = Guid.NewGuid().ToString();
        await Post(editor, Station("过期键驿站"), key).Json(201);
        api.Clock.Now = api.Clock.Now.AddHours(24).AddSeconds(1);
        var later = await Post(editor, Station("过期键驿站", capacity: 3), key);
        await later.Json(201);
        Assert.False(later.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2L, await CountAsync("过期键驿站"));

        var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stations?limit=1");
        var readKey = Guid.NewGuid().ToString();
        read.Headers.TryAddWithoutValidation("Idempotency-Key", readKey);
        await (await editor.SendAsync(read)).Json(200);
        // Without a key the write is refused (401) before it claims anything.
        await Post(api.Client(), Station("过期键驿站"), readKey).Problem(401);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM idempotency_record WHERE key = $1", readKey));
    }
}
