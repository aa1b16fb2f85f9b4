namespace Pipeline.Core;

/// <summary>
/// The invocation cannot finish now but will later (another invocation holds what it needs); the host is answered 503
/// so the message is redelivered. Not an error of the message.
/// </summary>
public class RetryLaterException(string message) : Exception(message);
