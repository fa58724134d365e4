using System.Text;
using Operator.References;

namespace Operator.Stores.Gcp;

/// <summary>
/// Maps group keys to GCP secret ids (<c>[a-zA-Z0-9_-]{1,255}</c>, case-sensitive) and checks store paths.
/// A key of group <c>tenant:group</c> lives at <c>&lt;tenant&gt;_&lt;group&gt;_&lt;escaped key&gt;</c>, where the key escapes
/// <c>_</c> as <c>__</c> and <c>.</c> as <c>_-</c>. Tenant and group are DNS labels (no <c>_</c>), so the first two
/// <c>_</c> end them, and the escape is a prefix-free code, so the mapping is injective (see <see cref="TryParseDefault"/>).
/// </summary>
public static class GcpSecretIds
{
    /// <summary>The longest secret id GCP accepts.</summary>
    public const int MaxLength = 255;

    /// <summary>The secret id of <paramref name="key"/> in <paramref name="group"/>; may be longer than GCP allows.</summary>
    public static string DefaultId(GroupFqn group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(key);
        var sb = new StringBuilder(group.Tenant.Length + group.Group.Length + (key.Length * 2) + 2)
            .Append(group.Tenant).Append('_').Append(group.Group).Append('_');
        foreach (var c in key)
        {
            _ = c switch
            {
                '_' => sb.Append("__"),
                '.' => sb.Append("_-"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>Inverts <see cref="DefaultId"/>; false for an id no group key maps to.</summary>
    public static bool TryParseDefault(string id, out GroupFqn? group, out string? key)
    {
        ArgumentNullException.ThrowIfNull(id);
        group = null;
        key = null;
        var first = id.IndexOf('_', StringComparison.Ordinal);
        var second = first < 0 ? -1 : id.IndexOf('_', first + 1);
        if (second < 0)
        {
            return false;
        }

        var tenant = id[..first];
        var name = id[(first + 1)..second];
        var sb = new StringBuilder();
        for (var i = second + 1; i < id.Length; i++)
        {
            if (id[i] != '_')
            {
                sb.Append(id[i]);
            }
            else if (i + 1 < id.Length && id[i + 1] is '_' or '-')
            {
                sb.Append(id[++i] == '_' ? '_' : '.');
            }
            else
            {
                return false;
            }
        }

        var decoded = sb.ToString();
        if (!ReferenceParser.IsValidName(tenant) || !ReferenceParser.IsValidName(name) || !ReferenceParser.IsValidSecretKey(decoded))
        {
            return false;
        }

        group = new GroupFqn(tenant, name);
        key = decoded;
        return true;
    }

    /// <summary>Whether <paramref name="id"/> is a valid GCP secret id.</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>
    /// Resolves a store path (a secret id, or <c>projects/&lt;project&gt;/secrets/&lt;id&gt;</c>) to its project and id;
    /// anything else is an <see cref="StoreErrorKind.InvalidPath"/> naming the path (and the key, for a default path).
    /// </summary>
    public static (string Project, string Id) Resolve(string path, string defaultProject)
    {
        ArgumentNullException.ThrowIfNull(path);
        var project = defaultProject;
        var id = path;
        if (path.StartsWith("projects/", StringComparison.Ordinal))
        {
            var parts = path.Split('/');
            if (parts.Length != 4 || parts[2] != "secrets" || !IsValidProject(parts[1]))
            {
                throw new SecretStoreException(StoreErrorKind.InvalidPath, $"path {Echo.Quote(path)} is neither a secret id nor projects/<project>/secrets/<secret-id>");
            }

            project = parts[1];
            id = parts[3];
        }

        if (id.Length > MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            var what = TryParseDefault(id, out var group, out var key) ? $"key {Echo.Quote(key!)} of group '{group}' maps to" : $"path {Echo.Quote(path)} is";
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"{what} a GCP secret id of {id.Length} characters; at most {MaxLength} are allowed");
        }

        if (!IsValidId(id))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"path {Echo.Quote(path)} is not a GCP secret id (1-{MaxLength} characters of letters, digits, '_' and '-')");
        }

        return (project, id);
    }

    /// <summary>A project id (<c>[a-z][-a-z0-9]{4,28}[a-z0-9]</c>) or a project number.</summary>
    public static bool IsValidProject(string? project) =>
        !string.IsNullOrEmpty(project)
        && ((project.Length is >= 6 and <= 30 && char.IsAsciiLetterLower(project[0]) && char.IsAsciiLetterOrDigit(project[^1])
                && project.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            || (project.Length <= 20 && project.All(char.IsAsciiDigit)));
}
