using System.Security.Cryptography;

namespace Operator.Playground;

/// <summary>
/// A user of the playground: a name, what the samples let it do, a bearer token for the Kubernetes API and an API key
/// for the REST API, both made at start-up.
/// </summary>
public sealed record PlaygroundUser(string Name, string Role, string EnvironmentVariable, IReadOnlyList<string> Groups)
{
    /// <summary>A fresh token for each start: it dies with the playground, like a kind cluster's credentials.</summary>
    public string Token { get; } = $"playground-{Name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    /// <summary>
    /// The REST API's credential for people (its README: collaborators use API keys; a bearer token must be minted for
    /// the API's audience, which only ServiceAccounts can get). Subject <c>user:&lt;name&gt;</c>.
    /// </summary>
    public string ApiKey { get; } = $"playground-key-{Name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    /// <summary>The variable <c>playground.env</c> sets to <see cref="ApiKey"/>.</summary>
    public string ApiKeyVariable => EnvironmentVariable.Replace("_TOKEN", "_API_KEY", StringComparison.Ordinal);
}

/// <summary>
/// The playground's users. <c>admin</c> is a cluster admin (<c>system:masters</c>) and a tenant admin of the REST API;
/// <c>editor</c> and <c>viewer</c> are the sample group's collaborators in config/samples.
/// </summary>
public static class PlaygroundUsers
{
    public static readonly PlaygroundUser Admin = new("admin", "cluster admin and tenant admin", "ADMIN_TOKEN", ["system:masters"]);
    public static readonly PlaygroundUser Editor = new("editor", "editor of team-a/openai-keys: reads the group and its Secret", "EDITOR_TOKEN", []);
    public static readonly PlaygroundUser Viewer = new("viewer", "viewer of team-a/openai-keys: reads the group, not its values", "VIEWER_TOKEN", []);

    public static IReadOnlyList<PlaygroundUser> All { get; } = [Admin, Editor, Viewer];
}
