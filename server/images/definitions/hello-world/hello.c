/* Slipway's hello-world: explains what Docker just did to show this text. */
#include <unistd.h>

static const char message[] =
    "\n"
    "Hello from Docker!\n"
    "This message shows that your installation appears to be working correctly.\n"
    "\n"
    "To show it, Docker took these steps:\n"
    " 1. The Docker client (the `docker` command) contacted the Docker daemon.\n"
    " 2. The daemon did not have the \"hello-world\" image, so it pulled it from\n"
    "    a registry (in Slipway, an offline copy of Docker Hub's official images).\n"
    " 3. The daemon created a new container from that image, which ran the\n"
    "    program that produces the text you are reading now.\n"
    " 4. The daemon streamed the program's output to the Docker client, which\n"
    "    printed it in your terminal.\n"
    "\n"
    "To try something more ambitious, run a shell in a Debian container:\n"
    " $ docker run -it debian bash\n"
    "\n";

int main(void) {
    /* write(2) loops so that a short write never loses the end of the message. */
    const char *rest = message;
    ssize_t left = sizeof message - 1;
    while (left > 0) {
        ssize_t written = write(STDOUT_FILENO, rest, (size_t)left);
        if (written <= 0) return 1;
        rest += written;
        left -= written;
    }
    return 0;
}
