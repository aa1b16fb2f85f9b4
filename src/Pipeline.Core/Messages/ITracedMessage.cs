namespace Pipeline.Core.Messages;

/// <summary>A message that names what it is about in its invocation's span: ids and counts, never personal data.</summary>
public interface ITracedMessage
{
    IEnumerable<KeyValuePair<string, object?>> TraceTags();
}
