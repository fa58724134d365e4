namespace Operator.IntegrationTests.Chaos;

/// <summary>The rules every recorded version of a managed Secret must keep while its store and the API server misbehave.</summary>
public static class ManagedSecretHistory
{
    /// <summary>
    /// What went wrong in <paramref name="versions"/> of Secret <paramref name="name"/>, given the values each key held
    /// in the store, oldest first: never deleted or recreated, never empty, always exactly the group's keys, only values
    /// the store held, and no key going back to an older value once a newer one was written.
    /// </summary>
    public static IEnumerable<string> Violations(string name, IReadOnlyList<SecretVersion> versions, IReadOnlyDictionary<string, string[]> storeValues)
    {
        if (versions.Count == 0)
        {
            yield return $"{name}: never seen";
            yield break;
        }

        var expectedKeys = storeValues.Keys.Order(StringComparer.Ordinal).ToList();
        var reached = storeValues.Keys.ToDictionary(k => k, _ => -1, StringComparer.Ordinal);
        foreach (var v in versions)
        {
            var at = $"{name}@{v.ResourceVersion}";
            if (v.EventType == "DELETED")
            {
                yield return $"{at}: deleted";
            }
            else if (v.Uid != versions[0].Uid)
            {
                yield return $"{at}: recreated";
            }
            else if (v.Data is null || v.Data.Count == 0)
            {
                yield return $"{at}: empty";
            }
            else if (!v.Data.Keys.Order(StringComparer.Ordinal).SequenceEqual(expectedKeys))
            {
                yield return $"{at}: keys [{string.Join(",", v.Data.Keys.Order(StringComparer.Ordinal))}] instead of [{string.Join(",", expectedKeys)}]";
            }
            else
            {
                foreach (var (key, value) in v.Data)
                {
                    var index = Array.IndexOf(storeValues[key], value);
                    if (index < 0)
                    {
                        yield return $"{at}: {key} holds a value its store never had{(value.Length == 0 ? " (empty)" : "")}";
                    }
                    else if (index < reached[key])
                    {
                        yield return $"{at}: {key} went back to an older value";
                    }

                    reached[key] = Math.Max(reached[key], index);
                }
            }
        }
    }
}
