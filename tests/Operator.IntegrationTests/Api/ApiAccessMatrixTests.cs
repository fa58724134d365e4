using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Operator.RestApi;
using Operator.Testing;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// Every served operation × every kind of caller (<see cref="ApiAccessMatrix"/>), through a real HttpClient over TLS
/// against the RBAC-enforcing emulator. The tenant admin, the stranger and the wrong-audience caller hold real
/// ServiceAccount tokens from TokenRequest; group admin, editor and viewer are people, who hold API keys: collaborators
/// never name system: identities, and the API server answers a TokenReview for a foreign audience only for
/// ServiceAccount tokens (static-token and OIDC users are audience-agnostic, shown by the last step).
/// </summary>
public sealed class ApiAccessMatrixTests
{
    private const string Erin = "user:erin";

    [Fact]
    public async Task EveryOperation_ForEveryCaller_AnswersAsTheTableSays_ChangesNothingWhenRefused_AndShowsNoValueUnasked()
    {
        await using var f = await ApiFixture.StartAsync();
        var rows = ApiAccessMatrix.Rows();

        // The rows are exactly the served routes (but the public /openapi.json): a new route without rows fails here.
        var served = f.H.Host!.Services.GetRequiredService<SecretApiServer>().ServedRoutes.Where(r => r != $"GET {ApiRoutes.OpenApi}").Order(StringComparer.Ordinal);
        Assert.Equal(served, rows.Select(r => $"{r.Method} {r.Route}").Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(Lines(ApiAccessMatrix.Table), Lines(File.ReadAllText(RepositoryFiles.Path("src/Operator/RestApi/README.md"))), StringComparison.Ordinal);

        var stranger = await ApiCallers.TokenAsync(f.H.Client, "outsiders", "stranger");
        string?[] callers = [f.Alice, f.Bob, f.Carol, f.Admin, stranger, null, f.WrongAudience];

        // One group for the reading rows, one per cell of a writing row (each starts with keys K and L).
        var canaries = new List<string>();
        var read = await MatrixGroup.CreateAsync(f, "m-read", canaries);
        var groups = new Dictionary<(int, int), MatrixGroup>();
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < callers.Length; c++)
            {
                groups[(r, c)] = rows[r].Method == "GET" ? read : await MatrixGroup.CreateAsync(f, $"m-{r}-{c}", canaries);
            }
        }

        foreach (var group in groups.Values.Distinct())
        {
            await f.WaitForManagedAsync(group.Name, new() { ["K"] = group.K, ["L"] = group.L });
            await group.ReadVersionAsync(f);
        }

        var failures = new List<string>();
        var cells = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            var (method, route, query, answers) = rows[r];
            for (var c = 0; c < callers.Length; c++)
            {
                var group = groups[(r, c)];
                var expected = answers[c];
                var cell = $"{method} {route}{(query.Length == 0 ? "" : "?" + query)} as {ApiAccessMatrix.Roles[c]}";
                var newValue = $"canary-matrix-new-{r}-{c}-{Guid.NewGuid():N}";
                canaries.Add(newValue);
                var (path, body) = Request(method, route, query, group, newValue);
                var before = await MatrixState.ReadAsync(f, group.Name);
                var (status, text, headers) = await SendAsync(f, new HttpMethod(method), path, callers[c], body);
                var after = await MatrixState.ReadAsync(f, group.Name);
                cells++;

                var json = text.Length == 0 ? null : JsonNode.Parse(text);
                var code = (string?)json?["error"]?["code"];
                if (status != expected.Status || code != expected.Code)
                {
                    failures.Add($"{cell}: expected {(int)expected.Status} {expected.Code}, got {(int)status} {text}");
                }

                // Values: only in the cells that show them, and then only this group's; never in a header.
                var shown = canaries.Where(v => text.Contains(v, StringComparison.Ordinal) || text.Contains(Base64(v), StringComparison.Ordinal)).ToList();
                var allowed = expected.ShowsValue ? new[] { group.K, group.L } : [];
                if (shown.Except(allowed).Any() || (expected.ShowsValue && !text.Contains(group.K, StringComparison.Ordinal)))
                {
                    failures.Add($"{cell}: values shown [{string.Join(", ", shown)}], allowed [{string.Join(", ", allowed)}]");
                }

                if (canaries.FirstOrDefault(v => headers.Contains(v, StringComparison.Ordinal)) is { } inHeader)
                {
                    failures.Add($"{cell}: value {inHeader} in a response header");
                }

                if (expected.Empty && json?["data"]?.AsArray().Count != 0)
                {
                    failures.Add($"{cell}: expected an empty list, got {text}");
                }

                var problem = expected.Refused || method == "GET"
                    ? (before == after ? null : $"changed: {before} -> {after}")
                    : Effect(method, route, group, newValue, before, after);
                if (problem is not null)
                {
                    failures.Add($"{cell}: {problem}");
                }
            }
        }

        Assert.Equal(rows.Count * ApiAccessMatrix.Roles.Length, cells);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} cells differ from the table:\n{string.Join('\n', failures)}");

        // A static-token user (the kube-apiserver's --token-auth-file) named as the group's admin still cannot call the
        // API: such tokens are audience-agnostic, so the TokenReview for the API's audience refuses them.
        f.H.Emulator.RegisterToken("static-token-of-alice", "alice");
        var (staticStatus, staticText, _) = await SendAsync(f, HttpMethod.Get, $"/v1/secret-groups/{read.Id}", "static-token-of-alice", null);
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthenticated"), (staticStatus, (string?)JsonNode.Parse(staticText)?["error"]?["code"]));
        Assert.Contains("secretgroup-api", staticText, StringComparison.Ordinal);
    }

    /// <summary>The path and body one cell sends for the row (method, route, query) on <paramref name="group"/>.</summary>
    private static (string Path, object? Body) Request(string method, string route, string query, MatrixGroup group, string newValue)
    {
        var path = route.Replace("{id}", route.StartsWith(ApiRoutes.Secrets, StringComparison.Ordinal) ? $"{group.Id}:{(method == "DELETE" ? "L" : "K")}" : group.Id, StringComparison.Ordinal)
            .Replace("{version}", group.Version, StringComparison.Ordinal);
        var parameters = new List<string>();
        if (query.Length > 0)
        {
            parameters.Add(query);
        }

        if (method == "GET" && route == ApiRoutes.Secrets)
        {
            parameters.Add($"secret_group_id={group.Id}");
        }

        if (method == "GET" && route == ApiRoutes.Groups)
        {
            parameters.Add("limit=1000");
        }

        path += parameters.Count == 0 ? "" : "?" + string.Join('&', parameters);
        object? body = (method, route) switch
        {
            ("PUT", ApiRoutes.Groups) => ApiFixture.Manifest(group.Name, collaborators: [.. ApiFixture.Collaborators, new { role_id = "secret-group-viewer", subject = Erin }]),
            ("PUT", _) => new { secrets = new[] { new { key = "K", value = newValue }, new { key = "L", value = group.L } } },
            _ => null,
        };
        return (path, body);
    }

    /// <summary>Null when a successful write did what it says (and nothing more), else what is wrong.</summary>
    private static string? Effect(string method, string route, MatrixGroup group, string newValue, MatrixState before, MatrixState after) => (method, route) switch
    {
        ("PUT", ApiRoutes.Groups) => after.Spec.Contains(Erin, StringComparison.Ordinal) && after.Store == before.Store ? null : $"collaborator not added or store changed: {after}",
        ("PUT", _) => after.Store == before.Store.Replace(group.K, newValue, StringComparison.Ordinal) ? null : $"store not {newValue}: {after.Store}",
        ("DELETE", ApiRoutes.Groups + "/{id}") => after.Generation is null && after.Store == before.Store ? null : $"group not deleted, or store changed: {after}",
        ("DELETE", _) => after.Spec.Contains("\"L\"", StringComparison.Ordinal) || after.Store != before.Store ? $"L not removed from the group, or not retained in the store: {after}" : null,
        _ => $"no effect known for {method} {route}",
    };

    private static async Task<(HttpStatusCode Status, string Text, string Headers)> SendAsync(ApiFixture f, HttpMethod method, string path, string? credential, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (credential is not null)
        {
            ApiFixture.Authenticate(request, credential);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await f.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(',', h.Value)}"));
        return (response.StatusCode, text, headers);
    }

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string Lines(string table) => string.Join('\n', table.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
