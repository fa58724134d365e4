using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>One spec.dataFrom entry, planned: the value to extract (a store path) or the find, and its rewrites.</summary>
public sealed record DataFromSource(int Index, KeySource? Extract, FindSpec? Find, Regex? NameFilter, IReadOnlyList<KeyRewrite> Rewrites)
{
    /// <summary>The entry as the user wrote it, e.g. <c>spec.dataFrom[1].extract</c>.</summary>
    public string Field => $"spec.dataFrom[{Index}].{(Extract is not null ? "extract" : "find")}";

    /// <summary>
    /// The Secret key for <paramref name="name"/> (a JSON property or a found name) after the rewrites; a key that is not a
    /// valid Secret key is an InvalidKeyName <see cref="ConditionException"/> naming the field that produced it (retried:
    /// the name comes from the store, which may change without the group).
    /// </summary>
    public string KeyFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name;
        for (var i = 0; i < Rewrites.Count; i++)
        {
            key = KeyRegex.Replace(Rewrites[i].Source, key, Rewrites[i].Target, $"spec.dataFrom[{Index}].rewrite[{i}]");
        }

        if (ReferenceParser.DescribeInvalidSecretKey(key) is { } problem)
        {
            var field = Rewrites.Count == 0 ? Field : $"spec.dataFrom[{Index}].rewrite";
            var from = key == name ? "" : $" (from {Echo.Quote(name)})";
            throw new ConditionException("InvalidKeyName", $"{field}: key {Echo.Quote(key)}{from} is not a valid Secret key: {problem}; the managed Secret is unchanged", retry: true);
        }

        return key;
    }
}
