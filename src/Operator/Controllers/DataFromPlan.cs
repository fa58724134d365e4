using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>Plans spec.dataFrom before anything is read: references parsed, regular expressions compiled, bounds known.</summary>
public static class DataFromPlan
{
    /// <summary>The entries of <paramref name="group"/>'s spec.dataFrom; the first problem is an InvalidSpec/InvalidReference <see cref="ConditionException"/>.</summary>
    public static IReadOnlyList<DataFromSource> Build(SecretGroup group, IntegrationFqn integration, ISecretStore store, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        var entries = group.Spec.DataFrom ?? [];
        var planned = new List<DataFromSource>(entries.Count);
        var groupFqn = new GroupFqn(tenant, group.Metadata.Name);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var rewrites = (entry.Rewrite ?? []).Select((r, j) => new KeyRewrite(KeyRegex.Compile(r.Regexp?.Source ?? "", $"spec.dataFrom[{i}].rewrite[{j}].regexp.source"), r.Regexp?.Target ?? "")).ToList();
            if ((entry.Extract is null) == (entry.Find is null))
            {
                throw Invalid($"spec.dataFrom[{i}]: set exactly one of extract and find");
            }

            if (entry.Extract is { } extract)
            {
                var field = $"spec.dataFrom[{i}].extract";
                if (ReferenceParser.DescribeInvalidSecretKey(extract.Key) is { } keyError)
                {
                    throw Invalid($"{field}.key: {keyError}");
                }

                var (source, error) = GroupPlan.PlanKey(extract.Key, extract.RemoteRef, field, integration, store, groupFqn, tenant);
                if (error is not null)
                {
                    throw new ConditionException(error.Reason, error.Message, retry: false);
                }

                if (source!.Alias is not null)
                {
                    throw new ConditionException("InvalidReference", $"{field}.remoteRef: a tfy-secret:// alias cannot be extracted; name the store path", retry: false);
                }

                planned.Add(new DataFromSource(i, source, null, null, rewrites));
                continue;
            }

            var find = entry.Find!;
            var name = find.Name?.Regexp is { } pattern ? KeyRegex.Compile(pattern, $"spec.dataFrom[{i}].find.name.regexp") : null;
            if (find.MaxKeys is < 1 or > FindSpec.MaxMaxKeys)
            {
                throw Invalid($"spec.dataFrom[{i}].find.maxKeys: must be between 1 and {FindSpec.MaxMaxKeys}");
            }

            planned.Add(new DataFromSource(i, null, find, name, rewrites));
        }

        return planned;
    }

    private static ConditionException Invalid(string message) => new("InvalidSpec", message, retry: false);
}
