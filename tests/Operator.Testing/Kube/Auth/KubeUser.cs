namespace Operator.Testing.Kube;

/// <summary>An authenticated identity as the API server sees it (user.Info): name, uid, groups and extra values.</summary>
public sealed record KubeUser(string Name, IReadOnlyList<string> Groups, string Uid = "")
{
    /// <summary>The superuser group: the API server allows its members everything, before RBAC is asked.</summary>
    public const string SystemMasters = "system:masters";

    /// <summary>Added by the API server to every authenticated user.</summary>
    public const string AllAuthenticated = "system:authenticated";

    /// <summary>The group of anonymous requests.</summary>
    public const string AllUnauthenticated = "system:unauthenticated";

    /// <summary>The user name of anonymous requests.</summary>
    public const string Anonymous = "system:anonymous";

    private const string ServiceAccountPrefix = "system:serviceaccount:";

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Extra { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public bool IsSuperuser => Groups.Contains(SystemMasters, StringComparer.Ordinal);

    /// <summary>The identity of ServiceAccount <paramref name="ns"/>/<paramref name="name"/>, with the groups its tokens carry.</summary>
    public static KubeUser ServiceAccount(string ns, string name, string uid = "") =>
        new(ServiceAccountName(ns, name), [.. ServiceAccountGroups(ns), AllAuthenticated], uid);

    /// <summary><c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>.</summary>
    public static string ServiceAccountName(string ns, string name) => ServiceAccountPrefix + ns + ":" + name;

    /// <summary>The groups of every ServiceAccount of <paramref name="ns"/>.</summary>
    public static string[] ServiceAccountGroups(string ns) => ["system:serviceaccounts", "system:serviceaccounts:" + ns];

    /// <summary>Splits <c>system:serviceaccount:ns:name</c> (as serviceaccount.SplitUsername does); null for other names.</summary>
    public static (string Namespace, string Name)? SplitServiceAccount(string userName)
    {
        if (!userName.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = userName[ServiceAccountPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    /// <summary>The user with system:authenticated added when missing, as the API server's group adder does.</summary>
    internal KubeUser WithAuthenticatedGroup() =>
        Groups.Contains(AllAuthenticated, StringComparer.Ordinal) ? this : this with { Groups = [.. Groups, AllAuthenticated] };
}

/// <summary>One line of a static token file (kube-apiserver --token-auth-file: token,user,uid,"group1,group2").</summary>
public sealed record StaticToken(string Token, string User, string Uid = "", params IReadOnlyList<string> Groups);
