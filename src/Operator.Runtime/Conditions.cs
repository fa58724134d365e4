using k8s.Models;

namespace Operator.Runtime;

/// <summary>metav1.Condition semantics: one condition per type; lastTransitionTime changes only when status changes.</summary>
public static class Conditions
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    /// <summary>Sets the condition of <paramref name="type"/>; returns true when anything changed.</summary>
    public static bool Set(
        IList<V1Condition> conditions,
        string type,
        string status,
        string reason,
        string message,
        long? observedGeneration,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(status);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(time);
        message ??= string.Empty;

        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = Now(time),
            });
            return true;
        }

        var changed = false;
        if (existing.Status != status)
        {
            existing.Status = status;
            existing.LastTransitionTime = Now(time);
            changed = true;
        }

        if (existing.Reason != reason)
        {
            existing.Reason = reason;
            changed = true;
        }

        if (existing.Message != message)
        {
            existing.Message = message;
            changed = true;
        }

        if (existing.ObservedGeneration != observedGeneration)
        {
            existing.ObservedGeneration = observedGeneration;
            changed = true;
        }

        return changed;
    }

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) =>
        string.Equals(Find(conditions, type)?.Status, True, StringComparison.Ordinal);

    /// <summary>The API stores whole seconds; truncating keeps a write-then-read round trip equal.</summary>
    private static DateTime Now(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
