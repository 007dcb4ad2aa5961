import { connect } from 'node:net';

/**
 * Writes `text` on a new connection to the server at `port` and nothing more (a request
 * cut short, a head with no end), then gives all the server answered and when it closed.
 */
export function sendRaw(port: number, text: string): Promise<{ response: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('close', () => resolve({ response, elapsedMs: Date.now() - started }));
    socket.on('error', reject);
  });
}
