using Microsoft.Extensions.Configuration;

namespace Operator.Hosting.Flags;

/// <summary>A flag problem: one line for the user, and the flags it is about.</summary>
public sealed record FlagProblem(IReadOnlyList<Flag> Flags, string Message)
{
    public override string ToString() => Message;
}
